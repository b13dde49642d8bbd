/* A Docker volume-driver plugin, as small as the protocol allows: the test components' plugin.
 *
 * Docker runs it in the plugin's rootfs and talks HTTP/1.1 to it on the unix socket named by
 * config.json's interface.socket, under /run/docker/plugins (Docker's plugin docs, "Plugin Config
 * Version 1 of Plugin V2" and "Volume plugins"). Every call is a POST with a JSON body; every answer
 * is JSON. Volumes are kept in memory and each gets a folder /volumes/NAME in the rootfs, so a
 * container can mount one. Get reports the environment variable EE_GREETING in the volume's Status:
 * what `POST /plugins/{name}/set` changed reaches the plugin's process.
 *
 * Built with `gcc -static` (libc6-dev) by tests/components/plugin.py; the binary is never committed.
 * One connection at a time, `Connection: close` on every answer: dockerd opens a new one per call.
 */
#define _GNU_SOURCE  /* strcasestr */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define SOCKET_PATH "/run/docker/plugins/ee.sock"
#define VOLUME_ROOT "/volumes"
#define MAX_VOLUMES 64
#define MAX_NAME 128
#define MAX_REQUEST 65536
#define MAX_ANSWER 16384

static char volumes[MAX_VOLUMES][MAX_NAME];
static int volume_count;

/* The string value of "Name" in a JSON body ("" when there is none). Volume names are
 * [a-zA-Z0-9][a-zA-Z0-9_.-]+, so they hold nothing a JSON string would escape. */
static void name_of(const char *body, char *name) {
    const char *at = strstr(body, "\"Name\"");
    name[0] = '\0';
    if (!at) return;
    at = strchr(at + 6, '"');
    if (!at) return;
    at++;
    size_t n = strcspn(at, "\"");
    if (n >= MAX_NAME) n = MAX_NAME - 1;
    memcpy(name, at, n);
    name[n] = '\0';
}

static int find(const char *name) {
    for (int i = 0; i < volume_count; i++)
        if (strcmp(volumes[i], name) == 0) return i;
    return -1;
}

static int valid(const char *name) {
    if (!name[0] || name[0] == '.') return 0;
    return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == strlen(name);
}

/* The JSON answer to one call of the plugin protocol, written into `out`. */
static void answer(const char *path, const char *body, char *out, size_t size) {
    char name[MAX_NAME], dir[MAX_NAME + sizeof VOLUME_ROOT + 1];
    name_of(body, name);
    snprintf(dir, sizeof dir, "%s/%s", VOLUME_ROOT, name);
    int at = find(name);
    if (strcmp(path, "/Plugin.Activate") == 0) {
        snprintf(out, size, "{\"Implements\":[\"VolumeDriver\"]}");
    } else if (strcmp(path, "/VolumeDriver.Capabilities") == 0) {
        snprintf(out, size, "{\"Capabilities\":{\"Scope\":\"local\"}}");
    } else if (strcmp(path, "/VolumeDriver.Create") == 0) {
        if (!valid(name)) {
            snprintf(out, size, "{\"Err\":\"invalid volume name\"}");
        } else if (at < 0 && volume_count == MAX_VOLUMES) {
            snprintf(out, size, "{\"Err\":\"too many volumes\"}");
        } else {
            if (at < 0) strcpy(volumes[volume_count++], name);
            mkdir(VOLUME_ROOT, 0755);
            mkdir(dir, 0755);
            snprintf(out, size, "{\"Err\":\"\"}");
        }
    } else if (strcmp(path, "/VolumeDriver.Remove") == 0) {
        if (at >= 0) {
            rmdir(dir);
            if (at != --volume_count) memcpy(volumes[at], volumes[volume_count], MAX_NAME);
        }
        snprintf(out, size, "{\"Err\":\"\"}");
    } else if (strcmp(path, "/VolumeDriver.Get") == 0) {
        const char *greeting = getenv("EE_GREETING");
        if (at < 0)
            snprintf(out, size, "{\"Err\":\"no such volume\"}");
        else
            snprintf(out, size, "{\"Volume\":{\"Name\":\"%s\",\"Mountpoint\":\"%s\",\"Status\":{\"greeting\":\"%s\"}},"
                     "\"Err\":\"\"}", name, dir, greeting ? greeting : "");
    } else if (strcmp(path, "/VolumeDriver.List") == 0) {
        size_t used = (size_t)snprintf(out, size, "{\"Volumes\":[");
        for (int i = 0; i < volume_count && used < size; i++)
            used += (size_t)snprintf(out + used, size - used, "%s{\"Name\":\"%s\",\"Mountpoint\":\"%s/%s\"}",
                                     i ? "," : "", volumes[i], VOLUME_ROOT, volumes[i]);
        if (used < size) snprintf(out + used, size - used, "],\"Err\":\"\"}");
    } else if (strcmp(path, "/VolumeDriver.Mount") == 0 || strcmp(path, "/VolumeDriver.Path") == 0) {
        if (at < 0)
            snprintf(out, size, "{\"Err\":\"no such volume\"}");
        else
            snprintf(out, size, "{\"Mountpoint\":\"%s\",\"Err\":\"\"}", dir);
    } else if (strcmp(path, "/VolumeDriver.Unmount") == 0) {
        snprintf(out, size, "{\"Err\":\"\"}");
    } else {
        snprintf(out, size, "{\"Err\":\"not implemented: %.100s\"}", path);
    }
}

/* Read one request (headers, then Content-Length bytes of body) and answer it. */
static void serve(int conn) {
    static char request[MAX_REQUEST + 1];
    char answer_body[MAX_ANSWER], head[256], path[256];
    size_t got = 0;
    char *end = NULL;
    long length = 0;
    while (got < MAX_REQUEST) {
        ssize_t n = read(conn, request + got, MAX_REQUEST - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += (size_t)n;
        request[got] = '\0';
        if (!end && (end = strstr(request, "\r\n\r\n"))) {
            const char *field = strcasestr(request, "\r\nContent-Length:");
            length = field && field < end ? strtol(field + 17, NULL, 10) : 0;
        }
        if (end && got >= (size_t)(end + 4 - request) + (size_t)length) break;
    }
    request[got] = '\0';
    if (!end || sscanf(request, "%*s %255s", path) != 1) return;
    answer(path, end + 4, answer_body, sizeof answer_body);
    int head_length = snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\n"
                               "Content-Type: application/vnd.docker.plugins.v1.2+json\r\n"
                               "Content-Length: %zu\r\nConnection: close\r\n\r\n", strlen(answer_body));
    if (write(conn, head, (size_t)head_length) < 0 || write(conn, answer_body, strlen(answer_body)) < 0)
        perror("write");
}

/* It runs as PID 1 of the plugin's container, which the kernel shields from signals it has no handler
 * for: without this, `disable` would wait out dockerd's 10 s before its SIGKILL. */
static void stop(int signal_number) {
    (void)signal_number;
    _exit(0);
}

int main(int argc, char **argv) {
    const char *socket_path = argc > 1 ? argv[1] : SOCKET_PATH;
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    if (strlen(socket_path) >= sizeof address.sun_path) {
        fprintf(stderr, "socket path too long: %s\n", socket_path);
        return 2;
    }
    strcpy(address.sun_path, socket_path);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGTERM, stop);
    signal(SIGINT, stop);
    unlink(socket_path);
    int listener = socket(AF_UNIX, SOCK_STREAM, 0);
    if (listener < 0 || bind(listener, (struct sockaddr *)&address, sizeof address) < 0 || listen(listener, 16) < 0) {
        perror(socket_path);
        return 1;
    }
    fprintf(stderr, "ee-volume-plugin: listening on %s\n", socket_path);
    for (;;) {
        int conn = accept(listener, NULL, NULL);
        if (conn < 0) {
            if (errno == EINTR) continue;
            perror("accept");
            return 1;
        }
        serve(conn);
        close(conn);
    }
}

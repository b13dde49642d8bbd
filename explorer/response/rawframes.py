"""What curl shows of the bodies engine-explorer decodes, and how an exported script undoes it.

curl writes a body as it comes: Docker's multiplexed frames with their 8-byte headers (which `grep`
then calls a binary file), a websocket's frames with theirs. A printed curl line gets a note saying
so (once a session), an exported script a comment, and its multiplexed bodies go through `_ee_demux`:
POSIX od, awk and the shell's printf, no Python, no docker.
"""
from __future__ import annotations

from explorer.response import kinds

FRAMED = frozenset({kinds.MULTIPLEXED, kinds.DOCKER_STREAM})

_NOTES = {
    kinds.MULTIPLEXED: "curl prints this stream's raw frames, an 8-byte header before each piece of stdout "
                       "and stderr; engine-explorer demultiplexes them, as an exported script does",
    kinds.DOCKER_STREAM: "curl prints this stream's raw frames, an 8-byte header before each piece of stdout "
                         "and stderr (no frames with a TTY); engine-explorer demultiplexes them, as an exported "
                         "script does",
    kinds.WEBSOCKET: "curl prints this websocket's raw frames, a header before each payload; engine-explorer "
                     "decodes them",
}


def curl_note(kind: str) -> str | None:
    """The note for a printed curl line whose body curl shows otherwise than we do (None: the same)."""
    return _NOTES.get(kind)


def script_comment(kind: str) -> str | None:
    """The comment an exported request gets before its curl command (None: none needed)."""
    if kind in FRAMED:
        return "# curl saves this stream's frames raw (8-byte headers); _ee_demux writes their stdout and stderr"
    if kind == kinds.WEBSOCKET:
        return "# curl saves the websocket frames as they came (a header before each payload): shown as they are"
    return None


# od prints each byte as 3 octal digits; awk follows the frames and prints one line per piece of
# payload (at most 512 bytes): the stream (1 or 2), then the bytes as \ooo escapes, which printf, a
# shell builtin, turns back into bytes, NUL included. A body that does not start with a frame header
# (a container with a TTY) is written as it is; a header that is none after frames (Podman 4.3's sizes
# that leave out the newline) is skipped to the next one, as streams.Demuxer does, byte by byte.
DEMUX = r"""
# _ee_demux: the last body, Docker's multiplexed frames: stdout's payloads to stdout, stderr's to stderr
_ee_demux() {
    od -An -v -to1 "$_ee_body" | awk '
        function dec(o) { return substr(o, 1, 1) * 64 + substr(o, 2, 1) * 8 + substr(o, 3, 1) }
        function put(b) { piece = piece "\\" b; if (++n == 512) out() }
        function out() { if (n) print (raw ? 1 : s), piece; piece = ""; n = 0 }
        { for (i = 1; i <= NF; i++) {
            if (raw) { put($i); continue }
            if (left) { put($i); if (!--left) out(); continue }
            h[nh++] = $i
            if (nh < 8) continue
            if (dec(h[0]) > 2 || h[1] != "000" || h[2] != "000" || h[3] != "000") {
                if (!framed) { raw = 1; for (j = 0; j < 8; j++) put(h[j]); nh = 0; continue }
                broken = 1; put(h[0]); for (j = 1; j < 8; j++) h[j - 1] = h[j]; nh = 7; continue }
            nh = 0; framed = 1; out(); s = dec(h[0]) == 2 ? 2 : 1
            left = ((dec(h[4]) * 256 + dec(h[5])) * 256 + dec(h[6])) * 256 + dec(h[7]) } }
        END { if (!broken) { out(); raw = 1 }; for (j = 0; j < nh; j++) put(h[j]); out() }' |
    while IFS=' ' read -r _ee_s _ee_x; do
        if [ "$_ee_s" = 2 ]; then printf "$_ee_x" >&2; else printf "$_ee_x"; fi
    done
}"""

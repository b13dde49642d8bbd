# shellcheck shell=bash
# shellcheck disable=SC2034  # variables here are used by the scripts that source this file
# Shared by the scripts: system packages, the .venv, spec and engine discovery.
# Source it; it defines functions and EE_* variables, and changes no shell options. No function
# relies on errexit, pipefail or nounset being on or off (each handles the failures it expects), so
# scripts/explore (set -e) and scripts/test (no -e) behave alike; tests/test_lib_sh.py checks it.

# dockerd and friends live in sbin, which a non-login root shell may not have on PATH.
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH="$PATH:/usr/sbin:/sbin" ;; esac

EE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EE_VENV="$EE_ROOT/.venv"
# Holds the fingerprint .venv was installed for (ee_install_fingerprint).
EE_VENV_STAMP="$EE_VENV/.engine-explorer-installed"
# What apt-get and pip print while setting up; progress and failures are one line each on stderr.
EE_SETUP_LOG="$EE_ROOT/.setup.log"
EE_SANDBOX_CMD="$EE_ROOT/scripts/sandbox-engine"
EE_SANDBOX_DIR="${ENGINE_EXPLORER_SANDBOX:-/tmp/engine-explorer-sandbox}"
# In EE_SANDBOX_DIR while the running sandbox was started by scripts/test (which will stop it).
EE_SANDBOX_TEST_MARK=started-by-tests
# The optional Podman service (scripts/sandbox-podman); it uses the same mark in its own folder.
EE_PODMAN_CMD="$EE_ROOT/scripts/sandbox-podman"
EE_PODMAN_DIR="${ENGINE_EXPLORER_PODMAN_SANDBOX:-/tmp/engine-explorer-podman}"
# Built against the system libcurl, so pycurl and the curl CLI send byte-identical requests.
# (python3-venv and python3-dev matter when python3 is Debian's own.)
EE_BUILD_PACKAGES=(libcurl4-openssl-dev libssl-dev gcc curl python3-venv python3-dev)
# What each package is for: said when it is installed, or missing.
declare -gA EE_PACKAGE_USE=(
    [libcurl4-openssl-dev]="to build pycurl against the system libcurl"
    [libssl-dev]="to build pycurl against the system libcurl"
    [gcc]="to build pycurl against the system libcurl"
    [python3-dev]="to build pycurl against the system libcurl"
    [python3-venv]="to create .venv"
    [curl]="the curl command, which finds the engine and runs the printed lines"
    [docker.io]="the sandbox engine"
    [containerd]="the sandbox engine"
    [runc]="the sandbox engines"
    [busybox-static]="the sandboxes' offline image"
    [podman]="the Podman sandbox"
    [golang-github-docker-docker-dev]="Debian's v1.41 spec, for the tests"
    [jq]="the tests of exported scripts"
    [libc6-dev]="the test volume plugin, a static binary (gcc -static)"
)

ee_log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }

ee_is_ci() { [[ -n "${CI:-}" && "${CI}" != "false" && "${CI}" != "0" ]]; }

# Print the packages from "$@" that dpkg does not have installed, one a line.
ee_missing_packages() {
    local listed pkg
    # dpkg-query exits 1 when a package was never installed; what it lists is right all the same.
    listed="$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "$@" 2>/dev/null)" || :
    for pkg in "$@"; do
        if [[ $'\n'"$listed"$'\n' != *$'\n'"$pkg installed"$'\n'* ]]; then
            printf '%s\n' "$pkg"
        fi
    done
    return 0
}

# "$@" grouped by what they are for: "gcc libssl-dev (to build pycurl …), docker.io (the sandbox engine)".
ee_packages_use() {
    local out="" seen=$'\n' pkg other use
    local group=()
    for pkg in "$@"; do
        use="${EE_PACKAGE_USE[$pkg]:-}"
        [[ "$seen" != *$'\n'"$use"$'\n'* ]] || continue
        seen+="$use"$'\n'
        group=()
        for other in "$@"; do
            if [[ "${EE_PACKAGE_USE[$other]:-}" == "$use" ]]; then group+=("$other"); fi
        done
        out+="${out:+, }${group[*]}${use:+ ($use)}"
    done
    printf '%s\n' "$out"
}

# Run "$@" as a set-up step called $what: one line on stderr says what runs and then how long it took
# or that it failed; the command's own output goes to EE_SETUP_LOG, which a failure names.
ee_logged() {
    local what=$1 status=0 start=$SECONDS
    shift
    if ! printf '\n--- %s %s: %s\n' "$(date -u +%FT%TZ)" "${0##*/}" "$*" 2>/dev/null >>"$EE_SETUP_LOG"; then
        ee_log "$what: cannot write the set-up log $EE_SETUP_LOG"
        return 1
    fi
    # The first step names the log, for a `tail -f` while a long step runs.
    printf '%s: %s%s ... ' "${0##*/}" "$what" "${EE_SETUP_LOG_NAMED- (output in $EE_SETUP_LOG)}" >&2
    EE_SETUP_LOG_NAMED=""
    "$@" </dev/null >>"$EE_SETUP_LOG" 2>&1 || status=$?
    if ((status != 0)); then
        printf 'failed (exit %s): see the end of %s\n' "$status" "$EE_SETUP_LOG" >&2
        return "$status"
    fi
    printf 'done in %s s\n' "$((SECONDS - start))" >&2
}

# apt-get install "$@" (as root), saying what each package is for. Returns non-zero, having said
# so in one line, when apt-get fails.
ee_apt_install() {
    ee_log "installing with apt-get: $(ee_packages_use "$@")"
    export DEBIAN_FRONTEND=noninteractive
    if [[ -z "${EE_APT_UPDATED:-}" ]]; then
        ee_logged "apt-get update" apt-get update -q || return 1
        # Exported: a sandbox script this one starts need not update again.
        export EE_APT_UPDATED=1
    fi
    ee_logged "apt-get install" apt-get install -y -q --no-install-recommends "$@"
}

# Install the Debian packages of "$@" that are missing, when root; a normal user is told in one line
# what is missing and what for. Non-zero (said in one line) when apt-get failed: callers go on.
ee_apt_ensure() {
    command -v dpkg-query >/dev/null || return 0  # not Debian: nothing to check
    local listed missing=()
    # Not read through a process substitution: a failure there would pass unseen.
    listed="$(ee_missing_packages "$@")"
    [[ -n "$listed" ]] || return 0
    mapfile -t missing <<<"$listed"
    if ((EUID != 0)); then
        ee_log "not root, so not installing: $(ee_packages_use "${missing[@]}")"
        return 0
    fi
    ee_apt_install "${missing[@]}"
}

# A fingerprint of everything that decides what pip installs into .venv (fails when its Python does
# not run).
ee_install_fingerprint() {
    local python
    python="$("$EE_VENV/bin/python" -VV 2>/dev/null)" || return 1
    {
        printf '%s\n' "$python"
        cat "$EE_ROOT/pyproject.toml"
        curl-config --version 2>/dev/null || :  # no libcurl headers: nothing to add
    } | sha256sum | cut -d' ' -f1
}

# True when .venv runs and holds what pyproject.toml asks for, built for this Python and libcurl.
ee_venv_current() {
    local fingerprint
    [[ -f "$EE_VENV_STAMP" ]] || return 1
    fingerprint="$(ee_install_fingerprint)" || return 1
    [[ "$(cat "$EE_VENV_STAMP")" == "$fingerprint" ]]
}

# The libcurl version pycurl in .venv was linked with (empty when there is no pycurl).
ee_pycurl_libcurl() {
    local version
    version="$("$EE_VENV/bin/python" -c 'import pycurl; print(pycurl.version)' 2>/dev/null)" || return 0
    version="${version#*libcurl/}"
    printf '%s\n' "${version%% *}"
}

# pycurl's libcurl and the curl CLI's libcurl must be the same build.
ee_pycurl_matches_system() {
    local want
    want="$(curl-config --version 2>/dev/null)" || return 1
    want="${want#libcurl }"
    [[ -n "$want" && "$(ee_pycurl_libcurl)" == "$want" ]]
}

# The Debian packages that compiling pycurl against the system libcurl lacks here, one a line
# (nothing when it can be built).
ee_pycurl_build_lacks() {
    command -v curl-config >/dev/null || printf '%s\n' libcurl4-openssl-dev
    if command -v dpkg-query >/dev/null; then ee_missing_packages libssl-dev; fi
    command -v gcc >/dev/null || command -v cc >/dev/null || printf '%s\n' gcc
    "$EE_VENV/bin/python" -c 'import os, sys, sysconfig
sys.exit(not os.path.isfile(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' 2>/dev/null \
        || printf '%s\n' python3-dev
    return 0
}

# Make .venv run with pip in it: create it when missing or broken. Says in one line why it cannot.
ee_venv_create() {
    "$EE_VENV/bin/python" -c 'import pip' 2>/dev/null && return 0
    if ! command -v python3 >/dev/null; then
        ee_log "python3 is missing: install it (Debian, as root: apt-get install python3 python3-venv)"
        return 1
    fi
    # Debian's python3 leaves ensurepip, which venv needs for pip, to the python3-venv package.
    if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
        ee_log "python3 cannot create $EE_VENV without its venv module: install python3-venv" \
            "(as root: apt-get install python3-venv)"
        return 1
    fi
    rm -rf "$EE_VENV"
    ee_logged "creating $EE_VENV" python3 -m venv "$EE_VENV"
}

# Install engine-explorer and its dependencies into .venv, pycurl compiled against the system libcurl.
ee_pip_install_built() {
    local pip=("$@")
    # A pycurl already there but linked to another libcurl (its wheel) is rebuilt.
    if "$EE_VENV/bin/python" -c 'import pycurl' 2>/dev/null && ! ee_pycurl_matches_system; then
        ee_logged "rebuilding pycurl against the system libcurl" \
            "${pip[@]}" --force-reinstall --no-deps --no-binary pycurl pycurl || return 1
    fi
    ee_logged "pip: installing engine-explorer into .venv, compiling pycurl against the system libcurl" \
        "${pip[@]}" --no-binary pycurl -e "${EE_ROOT}[test]" || return 1
    ee_pycurl_matches_system || ee_log "warning: pycurl is not linked to the system libcurl"
}

# Create or reuse .venv; pip runs only when pyproject.toml, Python or libcurl changed. Where pycurl
# cannot be compiled (a normal user without libcurl's headers), its wheel is installed and one line
# says so. Returns non-zero, having said why in one line, when .venv cannot be made to work.
ee_venv_ensure() {
    ee_venv_current && return 0
    ee_venv_create || return 1
    local fingerprint
    fingerprint="$(ee_install_fingerprint)" || { ee_log "$EE_VENV/bin/python does not run"; return 1; }
    local pip=("$EE_VENV/bin/python" -m pip install --disable-pip-version-check --progress-bar off)
    local lacks wheel_because=""
    lacks="$(ee_pycurl_build_lacks)"
    if [[ -n "$lacks" ]]; then
        wheel_because="as root: apt-get install ${lacks//$'\n'/ }"
    elif ! ee_pip_install_built "${pip[@]}"; then
        wheel_because="see why its build failed in $EE_SETUP_LOG"
    fi
    if [[ -n "$wheel_because" ]]; then
        ee_logged "pip: installing engine-explorer into .venv, with pycurl's wheel" \
            "${pip[@]}" -e "${EE_ROOT}[test]" || return 1
        ee_log "note: pycurl uses its wheel's libcurl $(ee_pycurl_libcurl), not the curl command's" \
            "$(curl --version 2>/dev/null | awk 'NR == 1 { print $2 }'); to build it against the system's," \
            "$wheel_because"
    fi
    printf '%s\n' "$fingerprint" >"$EE_VENV_STAMP"
}

# Make .venv current for scripts that need nothing else: when it is not, install the system packages
# "$@" first (as root). Non-zero, said in one line, when .venv cannot be made to work.
ee_setup() {
    ee_venv_current && return 0
    ee_apt_ensure "$@" || :  # it said what failed; pycurl's wheel may do without
    ee_venv_ensure
}

# Point ENGINE_EXPLORER_SPEC_DIR at shared/specs beside the repo, unless already set.
ee_spec_dir_default() {
    local dir="$EE_ROOT/../shared/specs/docker-engine"
    if [[ -z "${ENGINE_EXPLORER_SPEC_DIR:-}" && -d "$dir" ]]; then
        ENGINE_EXPLORER_SPEC_DIR="$(cd "$dir" && pwd)"
        export ENGINE_EXPLORER_SPEC_DIR
    fi
}

# True when the unix socket at $1 answers GET /_ping with OK.
ee_socket_answers() {
    [[ -S "$1" ]] && [[ "$(curl -s --max-time 3 --unix-socket "$1" http://localhost/_ping 2>/dev/null)" == OK ]]
}

# Start the Podman sandbox (or find it running) and print its unix:// address.
ee_podman_host() {
    local line
    line="$("$EE_PODMAN_CMD" start)" || return 1
    [[ "$line" == PODMAN_HOST=unix://* ]] || return 1
    printf '%s\n' "${line#PODMAN_HOST=}"
}

# Start the sandbox engine (or find it running) and print its unix:// address.
ee_sandbox_host() {
    local line
    line="$("$EE_SANDBOX_CMD" start)" || return 1
    [[ "$line" == DOCKER_HOST=unix://* ]] || return 1
    printf '%s\n' "${line#DOCKER_HOST=}"
}

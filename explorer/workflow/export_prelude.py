"""The fixed head of an exported sh script: tool checks, the engine socket, and the jq helpers.

The jq definitions mirror explorer/expect.py and explorer/variables.py: a string equals the word as
typed, anything else equals the word read as JSON; `contains` looks into strings, lists and object
keys; paths distinguish an absent key from a null value. Keep the two in step.
"""
from __future__ import annotations

import shlex

JQ_LIBRARY = r"""
def get($p): reduce $p[] as $k (.;
  if ($k | type) == "number" then
    (if type == "array" and $k < length and $k >= -length then .[$k] else error("absent") end)
  elif type == "object" and has($k) then .[$k]
  else error("absent") end);
def text: if type == "string" then . else tojson end;
def eq($w): if type == "string" then . == $w
  else ((try [$w | fromjson] catch []) as $x | ($x | length) == 1 and . == $x[0]) end;
def num: if type == "number" then . elif type == "string" then tonumber else error("not a number") end;
def check($op; $w):
  if $op == "exists" then true
  elif $op == "==" then eq($w)
  elif $op == "!=" then eq($w) | not
  elif $op == "<" then num < ($w | tonumber)
  elif $op == ">" then num > ($w | tonumber)
  elif $op == "<=" then num <= ($w | tonumber)
  elif $op == ">=" then num >= ($w | tonumber)
  elif $op == "contains" then
    (if type == "array" then any(.[]; eq($w)) elif type == "object" then has($w) else text | contains($w) end)
  elif $op == "matches" then text | test($w)
  else false end;
def shown: text | if length > 200 then .[0:200] + "..." else . end;
"""

HELPERS = r"""
_ee_fail() { printf '%s\n' "$1" >&2; exit 1; }
# _ee_http_fail WHERE LINE: an error response nothing expected
_ee_http_fail() {
    _ee_msg=$(jq -r '.message? // empty' "$_ee_body" 2>/dev/null | head -n 1)
    _ee_fail "$1: failed: $2 (HTTP $_ee_status${_ee_msg:+: $_ee_msg})"
}
# _ee_get PATH / _ee_json PATH: the value at PATH (a JSON list of keys and indexes) of the last
# body, as text (strings bare) or as JSON; nothing and a non-zero status when it is absent
_ee_get() { jq -rn --argjson p "$1" "$_ee_jq"' input | get($p) | text' "$_ee_body" 2>/dev/null; }
_ee_json() { jq -cn --argjson p "$1" "$_ee_jq"' input | get($p)' "$_ee_body" 2>/dev/null; }
# _ee_header NAME: the last value of header NAME in the last response
_ee_header() {
    awk -v want="$1" 'BEGIN { want = tolower(want) }
        { sub(/\r$/, "") }
        /^HTTP\// { found = 0; next }
        { i = index($0, ":")
          if (i > 1 && tolower(substr($0, 1, i - 1)) == want) {
              v = substr($0, i + 1); sub(/^[ \t]+/, "", v); sub(/[ \t]+$/, "", v); found = 1 } }
        END { if (!found) exit 1; print v }' "$_ee_head"
}
_ee_header_json() { _ee_v=$(_ee_header "$1") && jq -cn --arg v "$_ee_v" '$v'; }
# Values fill slots as engine-explorer fills them (explorer/slots.py); keep the two in step.
# _ee_pct VALUE KEEP: each byte percent-encoded but letters, digits, -._~ and those in KEEP
_ee_pct() {
    printf '%s' "$1" | od -An -v -tx1 | awk -v keep="$2" '
        BEGIN { plain = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~" keep
                for (i = 32; i < 127; i++) code[sprintf("%c", i)] = sprintf("%02x", i)
                for (i = 1; i <= length(plain); i++) { c = substr(plain, i, 1); as_is[code[c]] = c } }
        { for (i = 1; i <= NF; i++) out = out (($i in as_is) ? as_is[$i] : "%" toupper($i)) }
        END { printf "%s", out }'
}
# _ee_path_ok VALUE: no empty, `.` or `..` component, as typed or with %2E and %2F decoded
_ee_path_ok() {
    _ee_v=$1 awk 'function ok(s,   n, i, p) {
            n = split(s, p, "/"); if (n == 0) return 0
            for (i = 1; i <= n; i++) if (p[i] == "" || p[i] == "." || p[i] == "..") return 0
            return 1 }
        BEGIN { v = ENVIRON["_ee_v"]; d = v; gsub(/%2[eE]/, ".", d); gsub(/%2[fF]/, "/", d)
                exit !(ok(v) && ok(d)) }'
}
# _ee_seg VALUE: one path segment; _ee_image VALUE: an image or plugin reference (/ : @ kept)
_ee_seg() { _ee_path_ok "$1" && _ee_pct "$1" ''; }
_ee_image() { _ee_path_ok "$1" && _ee_pct "$1" ':@/'; }
_ee_query() { _ee_pct "$1" ''; }
# _ee_json_str VALUE: escaped for a JSON string (UTF-8 text only); _ee_header_ok VALUE: one line
_ee_json_str() {
    if command -v iconv >/dev/null 2>&1; then
        printf '%s' "$1" | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1 || return 1
    fi
    jq -rn --arg v "$1" '$v | tojson | .[1:-1]'
}
_ee_cr=$(printf '\r') _ee_nl='
'
_ee_header_ok() { case $1 in *"$_ee_cr"* | *"$_ee_nl"*) return 1 ;; esac; }
# _ee_check WHERE WHAT OP WORD ACTUAL: ACTUAL is the value read, as JSON (empty: there is none)
_ee_check() {
    if [ -n "$5" ] && jq -en --argjson a "$5" --arg op "$3" --arg w "$4" "$_ee_jq"' $a | check($op; $w)' \
        >/dev/null 2>&1; then
        return 0
    fi
    _ee_got=nothing
    [ -z "$5" ] || _ee_got=$(jq -rn --argjson a "$5" "$_ee_jq"' $a | shown')
    _ee_fail "$1: expected $2, got $_ee_got"
}
"""


def comment(text: str) -> str:
    """A `# …` line that stays one comment: line breaks and other control characters escaped."""
    if text.isprintable():
        return "# " + text
    return "# " + "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)


def prelude(title: str, socket: str | None, forward: list | None = None) -> str:
    """Shebang, comments, checks for curl and jq, the engine socket, temp files and helpers.
    `forward`: an ssh:// engine's lines (explorer.shell.sshcommand.script_lines), which make the socket."""
    lines = [
        "#!/bin/sh",
        comment(title + "."),
        "# Plain curl against the Docker Engine API. Captures and checks read JSON with jq, so jq",
        "# must be installed. The first failure stops the script with exit code 1.",
        "set -u",
        "command -v curl >/dev/null 2>&1 || { echo 'this script needs curl' >&2; exit 2; }",
        "command -v jq >/dev/null 2>&1 || { echo 'this script needs jq (captures and checks use it)' >&2; exit 2; }",
    ]
    if socket and not forward:
        lines += [
            "# The engine: DOCKER_HOST=unix:///path, else the socket this script was exported against.",
            "case ${DOCKER_HOST:-} in",
            "unix://*) _ee_sock=${DOCKER_HOST#unix://} ;;",
            f"*) _ee_sock={shlex.quote(socket)} ;;",
            "esac",
        ]
    lines += [
        "_ee_tmp=$(mktemp -d) || exit 2",
        "trap 'rm -rf \"$_ee_tmp\"' EXIT",
        *(forward or ()),
        "trap 'exit 130' INT TERM",
        '_ee_body=$_ee_tmp/body _ee_head=$_ee_tmp/head _ee_status=0',
        ': >"$_ee_body"; : >"$_ee_head"',
        "_ee_jq=" + shlex.quote(JQ_LIBRARY.strip() + "\n"),
    ]
    return "\n".join(lines) + HELPERS.rstrip("\n")


def version_check(version: str, ping: str) -> list:
    """Lines that run `ping` (a curl of /_ping writing the usual files) and stop the script, in one
    line, unless the engine's Api-Version is `version` or newer (compared as versions.key does)."""
    need = shlex.quote(version)
    return [
        f"# The requests below go as Docker API v{version}: an older engine would refuse them or ignore",
        "# what it does not know, so it is asked first.",
        f"_ee_status=$({ping}) || _ee_fail 'no answer from the engine to GET /_ping'",
        "_ee_api=$(_ee_header Api-Version) || _ee_fail 'the engine answered /_ping without an Api-Version "
        "header: is it a Docker engine?'",
        f"awk -v need={need} -v have=\"$_ee_api\" 'BEGIN {{ n = split(need, a, \".\"); split(have, b, \".\")",
        "    for (i = 1; i <= n; i++) if (b[i] + 0 != a[i] + 0) exit !(b[i] + 0 > a[i] + 0); exit 0 }' ||",
        f'    _ee_fail "this script was exported for Docker API v{version} and the engine speaks v$_ee_api: '
        f'export it again with --api-version $_ee_api (what its lines use must exist there)"',
    ]

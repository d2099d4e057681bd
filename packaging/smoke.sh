#!/usr/bin/env bash
# Smoke-test the bundle that packaging/build.sh made, offscreen, as a new user would meet
# it: a temporary home, XDG folders and library, no display.
#
#   packaging/smoke.sh [PROGRAM]     # default: dist/kbapp/kbapp
#
# It checks that the bundle's libraries all resolve, that `--version` runs, that the
# window starts on an empty library (showing the built-in samples apart) and draws a
# screenshot, that a digest file given on the command line is imported and shown, that
# `kbapp desktop install` points the menu entry at the bundle, and (when Xvfb and xdotool
# are installed) that the window opens on X11.
# Exits 0 when every step passed, 1 at the first that failed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
APP=${1:-dist/kbapp/kbapp}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/home" "$T/config" "$T/data" "$T/cache" "$T/runtime"
chmod 700 "$T/runtime"
export HOME="$T/home" XDG_CONFIG_HOME="$T/config" XDG_DATA_HOME="$T/data" \
    XDG_CACHE_HOME="$T/cache" XDG_RUNTIME_DIR="$T/runtime" QT_QPA_PLATFORM=offscreen
unset KBAPP_LIBRARY KBAPP_CONFIG_DIR DISPLAY WAYLAND_DISPLAY PYTHONPATH PYTHONHOME
LIBRARY="$T/library.sqlite"
STEP=""

step() {
    STEP=$1
    printf '\n-- %s\n' "$STEP"
}

fail() {
    echo "smoke: FAILED at \"$STEP\": $*" >&2
    exit 1
}

# Runs the bundle's program; its output goes to $T/out (and is shown).
run() {
    local status=0
    timeout --kill-after=10 120 "$APP" "$@" >"$T/out" 2>&1 || status=$?
    cat "$T/out"
    ((status == 0)) || fail "\`kbapp $*\` exited $status"
}

# A non-trivial PNG: the signature, and more than a blank window's bytes.
check_png() {
    [[ -f "$1" ]] || fail "$1 was not written"
    [[ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" == 89504e470d0a1a0a ]] ||
        fail "$1 is not a PNG"
    local size
    size=$(wc -c <"$1")
    ((size > 20000)) || fail "$1 is only $size bytes"
    echo "$1: PNG, $size bytes"
}

main() {
    [[ -x "$APP" ]] || fail "$APP is missing: run packaging/build.sh first"

    step "the bundle's own libraries all resolve"
    # Qt's, ICU's, Python's: those the spec could have left out. System libraries the
    # build machine lacks (Wayland's, here) come from the user's system.
    if [[ "$(uname -s)" == Linux ]]; then
        local unresolved
        unresolved=$(find "$(dirname "$APP")" -type f \( -name '*.so*' -o -path "$APP" \) \
            -exec ldd {} + 2>/dev/null | grep 'not found' | sort -u || true)
        if grep -E 'lib(Qt6|icu|pyside6|shiboken6|python3)' <<<"$unresolved"; then
            fail "the bundle lacks the libraries above"
        fi
        echo "ok${unresolved:+; left to the system:}"
        [[ -z "$unresolved" ]] || echo "$unresolved"
    fi

    step "--version"
    run --version
    grep -q '^kbapp [0-9]' "$T/out" || fail "no version printed"

    step "the window on an empty library: the samples shown, the library left empty"
    run --library "$LIBRARY" --screenshot "$T/samples.png"
    check_png "$T/samples.png"
    grep -q '(2026-11-23)' "$T/out" || fail "the newest sample day was not shown"
    run --library "$LIBRARY" stats --json
    grep -q '"digests": 0,' "$T/out" || fail "the samples went into the user's library"

    step "a digest given on the command line: imported and shown"
    # A sample digest under a new date (its heading names the date, its folder agrees).
    local day="$T/digests/notes/202201"
    mkdir -p "$day"
    cp -r resources/samples/notes/202611/images "$day/"
    sed 's/（2026\.11\.18）/（2022.01.05）/' resources/samples/notes/202611/1118.md >"$day/0105.md"
    grep -q '2022\.01\.05' "$day/0105.md" || fail "could not make the test digest"
    run --library "$LIBRARY" --screenshot "$T/opened.png" "$day/0105.md"
    check_png "$T/opened.png"
    run --library "$LIBRARY" stats --json
    grep -q '"digests": 1,' "$T/out" || fail "the file was not imported"
    grep -q '"first_date": "2022-01-05"' "$T/out" || fail "2022-01-05 is not in the library"

    step "the menu entry from the bundle: kbapp desktop install, uninstall"
    run desktop install
    local entry="$XDG_DATA_HOME/applications/io.github.kbapp.desktop"
    grep -qxF "TryExec=$(realpath "$APP")" "$entry" || fail "the entry does not start $APP"
    if command -v desktop-file-validate >/dev/null; then
        desktop-file-validate "$entry" || fail "desktop-file-validate refused $entry"
    fi
    run desktop uninstall
    [[ ! -e "$entry" ]] || fail "$entry is still there"

    step "the window on X11 (Xvfb): the bundle's xcb plugin and the system's libraries"
    if command -v xvfb-run >/dev/null && command -v xdotool >/dev/null; then
        # Start the window, wait (at most 30 s) until a window of class kbapp is visible.
        QT_QPA_PLATFORM=xcb timeout 60 xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
            "$1" --library "$2" & pid=$!
            timeout 30 xdotool search --sync --onlyvisible --class kbapp >/dev/null
            status=$?
            kill "$pid" && wait "$pid"
            exit "$status"' _ "$APP" "$LIBRARY" || fail "no kbapp window appeared on X11"
        echo "ok: a window of class kbapp (StartupWMClass) appeared"
    else
        echo "skipped: xvfb-run or xdotool is missing"
    fi

    printf '\nsmoke: all steps passed (%s)\n' "$APP"
}

main "$@"

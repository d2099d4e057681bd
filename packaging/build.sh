#!/usr/bin/env bash
# The one build command: makes dist/kbapp/, a one-folder bundle whose `kbapp` program runs
# kbapp on a machine without Python (on Windows dist/kbapp/kbapp.exe, on macOS
# dist/kbapp.app). Run it on the system you build for: PyInstaller cannot cross-build.
#
#   packaging/build.sh            # with $PYTHON, else the active venv's, else .venv's
#
# That Python must have kbapp installed (`pip install -e .`); PyInstaller is installed into
# it if missing (the `bundle` extra pins it). Linux needs binutils (objdump). Prints the
# bundle's unpacked size and the build time; build/ holds PyInstaller's work files.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYINSTALLER_PIN='pyinstaller>=6.10,<7'

pick_python() {
    if [[ -n "${PYTHON:-}" ]]; then
        echo "$PYTHON"
    elif [[ -x "${VIRTUAL_ENV:-}/bin/python" ]]; then
        echo "$VIRTUAL_ENV/bin/python"
    elif [[ -x "${VIRTUAL_ENV:-}/Scripts/python.exe" ]]; then # Windows (Git Bash)
        echo "$VIRTUAL_ENV/Scripts/python.exe"
    elif [[ -x .venv/bin/python ]]; then
        echo .venv/bin/python
    else
        echo python3
    fi
}

main() {
    local python start seconds kilobytes files
    python=$(pick_python)
    if [[ "$(uname -s)" == Linux ]] && ! command -v objdump >/dev/null; then
        echo "build: PyInstaller needs objdump: install binutils (apt-get install binutils)" >&2
        return 2
    fi
    if ! "$python" -c 'import kbapp' 2>/dev/null; then
        echo "build: $python cannot import kbapp: run \`$python -m pip install -e .\` first" >&2
        return 2
    fi
    if ! "$python" -c 'import PyInstaller' 2>/dev/null; then
        echo "installing $PYINSTALLER_PIN into $("$python" -c 'import sys; print(sys.prefix)')"
        "$python" -m pip install --quiet --progress-bar off "$PYINSTALLER_PIN"
    fi
    echo "PyInstaller $("$python" -m PyInstaller --version), $("$python" --version)"
    start=$SECONDS
    "$python" -m PyInstaller --noconfirm --clean --log-level WARN \
        --distpath dist --workpath build packaging/kbapp.spec
    seconds=$((SECONDS - start))
    kilobytes=$(du -sk dist/kbapp | cut -f1)
    files=$(find dist/kbapp -type f | wc -l)
    printf 'built dist/kbapp: %d MB unpacked, %d files, in %d s\n' \
        "$((kilobytes / 1024))" "$files" "$seconds"
}

main "$@"

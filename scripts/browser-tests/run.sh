#!/usr/bin/env bash
# Checks report.html files in Debian's Chromium, driven by Playwright for Python.
#
#   scripts/browser-tests/run.sh --install-only
#   scripts/browser-tests/run.sh [--screenshots DIR] REPORT.html …
#
# Installs what is missing first: Debian's `chromium` (apt-get, when run as root) and a venv
# with Playwright (pip) in scripts/browser-tests/.venv (git-ignored; ANCHORREG_BROWSER_VENV
# moves it). Playwright drives the system Chromium through `executable_path`; it never
# downloads a browser of its own. Exit status: 0 all checks passed, 1 a check failed,
# 3 the browser or Playwright could not be had (the message says why).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
venv=${ANCHORREG_BROWSER_VENV:-$here/.venv}

chromium_bin() {
    # The real binary: Debian's /usr/bin/chromium is a wrapper shell script.
    for c in /usr/lib/chromium/chromium /usr/bin/chromium /usr/bin/chromium-browser; do
        if [ -x "$c" ]; then echo "$c"; return 0; fi
    done
    return 1
}

if ! chromium_bin > /dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
        echo "browser-tests: installing Debian's chromium (apt-get)" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -qq chromium > /dev/null 2>&1 \
            || { apt-get update -qq > /dev/null 2>&1 && apt-get install -y -qq chromium > /dev/null 2>&1; } \
            || true
    fi
fi
if ! chromium_bin > /dev/null; then
    echo "browser-tests: Chromium is not installed and could not be installed (needs root and Debian's apt: apt-get install chromium)" >&2
    exit 3
fi

if ! "$venv/bin/python" -c "import playwright.sync_api" 2> /dev/null; then
    echo "browser-tests: creating $venv with Playwright (pip)" >&2
    python3 -m venv "$venv" > /dev/null 2>&1 || { echo "browser-tests: python3 -m venv failed (install python3-venv)" >&2; exit 3; }
    "$venv/bin/pip" install -q --disable-pip-version-check "playwright>=1.40,<2" "pillow>=10" > /dev/null 2>&1 \
        || { echo "browser-tests: pip could not install playwright into $venv" >&2; exit 3; }
fi

if [ "${1:-}" = "--install-only" ]; then
    echo "browser-tests: $(chromium_bin) and Playwright in $venv are ready"
    exit 0
fi
exec "$venv/bin/python" "$here/check_reports.py" --chromium "$(chromium_bin)" "$@"

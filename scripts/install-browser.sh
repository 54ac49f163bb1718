#!/usr/bin/env bash
# Installs what the headless-browser tests need on a Debian machine:
# Debian's chromium package (skipped when /usr/bin/chromium exists) and
# playwright-core in tests/browser, which drives that chromium (it never
# downloads a browser of its own).
#
#   scripts/install-browser.sh
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        echo "error: need root (or sudo) to run: $*" >&2
        exit 1
    fi
}

if [ -x /usr/bin/chromium ]; then
    echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo present)"
else
    echo "installing chromium (apt-get)"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-dejavu-core
fi

if ! command -v npm >/dev/null 2>&1; then
    echo "installing nodejs and npm (apt-get)"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nodejs npm
fi

cd "$root/tests/browser"
# playwright-core has no browser download step; the variable keeps any
# other playwright package from fetching one all the same.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if [ -f package-lock.json ]; then
    npm ci --no-audit --no-fund
else
    npm install --no-audit --no-fund
fi
echo "browser tests ready: scripts/browser-test.sh"

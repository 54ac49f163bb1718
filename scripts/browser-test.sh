#!/usr/bin/env bash
# Headless-browser tests of the web UI: builds interdict, serves it on a
# free local port from a fresh data folder with a test admin token, runs
# tests/browser/ui.test.mjs in Debian's chromium, and stops the server.
# Screenshots and the server's log go to target/browser/.
#
#   scripts/browser-test.sh
#
# Installs chromium and playwright-core first (scripts/install-browser.sh)
# when they are missing. Exits non-zero when anything fails.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ] || [ ! -d tests/browser/node_modules/playwright-core ]; then
    scripts/install-browser.sh
fi

cargo build --locked --bin interdict

out="$root/target/browser"
mkdir -p "$out"
rm -f "$out"/*.png
data=$(mktemp -d "${TMPDIR:-/tmp}/interdict-browser-data.XXXXXX")
token="browser-test-$$-$RANDOM$RANDOM"
port=$(node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')
url="http://127.0.0.1:$port"
log="$out/server.log"

INTERDICT_DATA_DIR="$data" INTERDICT_ADMIN_TOKEN="$token" INTERDICT_SCREEN_TOKEN="" \
    "$root/target/debug/interdict" serve --listen "127.0.0.1:$port" >"$log" 2>&1 &
server=$!

stop() {
    if kill -0 "$server" 2>/dev/null; then
        kill "$server" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$server" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$server" 2>/dev/null || true
    fi
    wait "$server" 2>/dev/null || true
    rm -rf "$data"
}
trap stop EXIT
trap 'exit 130' INT TERM

ready() {
    node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$url/readyz"
}
for i in $(seq 1 240); do
    if ready; then
        break
    fi
    if ! kill -0 "$server" 2>/dev/null; then
        echo "error: the server exited before it was ready; its log:" >&2
        cat "$log" >&2
        exit 1
    fi
    if [ "$i" -eq 240 ]; then
        echo "error: the server was not ready after 120 s; its log:" >&2
        cat "$log" >&2
        exit 1
    fi
    sleep 0.5
done
echo "server ready at $url (data in $data)"

status=0
INTERDICT_URL="$url" INTERDICT_ADMIN_TOKEN="$token" BROWSER_OUT="$out" \
    node tests/browser/ui.test.mjs || status=$?
if [ "$status" -ne 0 ]; then
    echo "browser tests failed (exit $status); server log: $log" >&2
fi
exit "$status"

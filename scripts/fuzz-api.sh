#!/usr/bin/env bash
# Fuzzes the HTTP API of `interdict serve` from its own OpenAPI description
# (GET /openapi.json) with schemathesis. .ci/run runs it as its last step,
# with a budget of 120 s (FUZZ_API_MAX_TIME); run it by hand for a longer
# pass, or with a seed to repeat one.
#
#   scripts/fuzz-api.sh [EXTRA SCHEMATHESIS ARGS...]
#
# Settings, from the environment:
#   FUZZ_API_EXAMPLES  schemathesis --max-examples: test cases per operation
#                      in one round of a phase (default 25)
#   FUZZ_API_MAX_TIME  schemathesis --max-time: the time budget of the whole
#                      run, in seconds (default 150). With it, the fuzzing
#                      and stateful phases repeat rounds until it is spent,
#                      so this is what bounds the run: about 40 s of build
#                      and start-up come on top (less when built already)
#   FUZZ_API_SEED      schemathesis --seed, to repeat a run (random if unset)
#   FUZZ_API_CHECKS    the checks, comma-separated (default: the five below;
#                      `not_a_server_error` alone for a pass on 5xx only)
#
# Steps: installs schemathesis (pinned) into target/fuzz-api-venv unless it
# is there already; builds the debug binary; starts the server on a free
# loopback port with a fresh data directory and an admin token; waits for
# /readyz; runs schemathesis with the bearer token (so the admin routes,
# list import and activation and dispositions, are exercised past their
# 401); checks the server is still alive; stops it. Exits non-zero when
# schemathesis found a failure, the server died, or it never got ready.
# Reports (JUnit, and the NDJSON event stream) are left in
# target/fuzz-api-report/; the server's stderr in target/fuzz-api-report/server.log.
#
# The checks, and why:
#   not_a_server_error          no 5xx, whatever is sent: the point of the pass.
#   status_code_conformance     the status is one the operation declares.
#   content_type_conformance    the Content-Type is the declared one.
#   response_schema_conformance the body matches the declared schema. Every
#                               JSON answer has a schema of its own, field by
#                               field (decisions, orders, alerts, entities,
#                               records, dispositions, lists, health, ErrorBody);
#                               left loose are a recorded decision's `input`
#                               and `decision` and the description itself
#                               (each a bare `object`), and the batch's NDJSON
#                               and /metrics' text (each a `string`).
#   negative_data_rejection     a request that breaks the schema is refused
#                               with a 4xx (not accepted with 2xx).
# Left out:
#   positive_data_acceptance    a request that fits the schema need not be
#                               accepted: the schema says `string` where the
#                               server wants a date, a country or a known
#                               snapshot id, and 422 is the right answer.
#   use_after_free, ensure_resource_availability, the auth checks: there
#                               is no create/delete pair of routes to follow,
#                               and the token is always sent.
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
examples="${FUZZ_API_EXAMPLES:-25}"
max_time="${FUZZ_API_MAX_TIME:-150}"
checks="${FUZZ_API_CHECKS:-not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,negative_data_rejection}"
venv=target/fuzz-api-venv
report=target/fuzz-api-report

if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -qF "$SCHEMATHESIS_VERSION"; then
  echo "fuzz-api: installing schemathesis $SCHEMATHESIS_VERSION into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

cargo build --locked --bin interdict
bin=target/debug/interdict

tmp=$(mktemp -d)
server_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    # Drains requests in flight; give it a few seconds, then insist.
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap stop_server EXIT
trap 'exit 130' INT TERM

# A free loopback port: bind port 0 and read back what the kernel gave.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
token="fuzz-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
base="http://127.0.0.1:$port"
rm -rf "$report"
mkdir -p "$report"

INTERDICT_DATA_DIR="$tmp/data" INTERDICT_ADMIN_TOKEN="$token" INTERDICT_SCREEN_TOKEN="" \
  "$bin" serve --listen "127.0.0.1:$port" 2>"$report/server.log" &
server_pid=$!

ready=""
for _ in $(seq 1 600); do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "fuzz-api: the server exited before it was ready:" >&2
    cat "$report/server.log" >&2
    exit 1
  fi
  if curl -sf -o /dev/null "$base/readyz"; then ready=1; break; fi
  sleep 0.1
done
[ -n "$ready" ] || { echo "fuzz-api: the server was not ready after 60 s" >&2; exit 1; }
echo "fuzz-api: server pid $server_pid on $base; schemathesis $SCHEMATHESIS_VERSION, $examples examples per operation, at most $max_time s; checks $checks" >&2

# POST /v1/screen/batch takes NDJSON, which schemathesis has no serializer
# for ("Serialization not possible"). The schema says the body is a string:
# send a generated string as its UTF-8 bytes. The negative mode also makes
# bodies that are not strings (objects, numbers); any JSON value written out
# is a string again on the wire, which the server rightly takes as a line to
# screen, so those go out as bytes that are not UTF-8 text at all (the wire
# form of "not a string"), which the server must refuse with a 4xx.
cat > "$tmp/hooks.py" <<'PY'
import json
import schemathesis

@schemathesis.serializer("application/x-ndjson")
def ndjson(ctx, value):
    # Returns the body's bytes.
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass")
    return b"\xff\xfe" + json.dumps(value).encode()
PY
export SCHEMATHESIS_HOOKS="$tmp/hooks.py"

seed_args=()
[ -n "${FUZZ_API_SEED:-}" ] && seed_args=(--seed "$FUZZ_API_SEED")

status=0
# The token goes in a header given on the command line: it is a throwaway
# one made above for this run, so it showing up in `ps` does no harm.
"$venv/bin/schemathesis" run "$base/openapi.json" \
  --checks "$checks" \
  --header "Authorization: Bearer $token" \
  --max-examples "$examples" \
  --max-time "$max_time" \
  --request-timeout 30 \
  --workers 2 \
  --no-color \
  --generation-database none \
  --report junit,ndjson --report-dir "$report" \
  "${seed_args[@]}" "$@" || status=$?

# Whatever schemathesis said, the server must have survived it.
if ! kill -0 "$server_pid" 2>/dev/null; then
  echo "fuzz-api: FAIL: the server died during the run; its log:" >&2
  tail -50 "$report/server.log" >&2
  status=1
elif ! curl -sf -m 10 -o /dev/null "$base/healthz"; then
  echo "fuzz-api: FAIL: the server no longer answers /healthz" >&2
  status=1
fi
if grep -qiE 'panicked|thread .* panicked' "$report/server.log"; then
  echo "fuzz-api: FAIL: the server panicked:" >&2
  grep -iE -A3 'panicked' "$report/server.log" | head -40 >&2
  status=1
fi

if [ "$status" -eq 0 ]; then
  echo "fuzz-api: passed" >&2
else
  echo "fuzz-api: FAILED (exit $status); reports in $report/" >&2
fi
exit "$status"

#!/usr/bin/env bash
# Load benchmark of `interdict serve` on loopback, in a release build. Not a
# test: run it by hand, on an otherwise idle machine. Prints each
# measurement's command line and figures as it goes, then every result
# again as JSON lines at the end.
#
#   scripts/bench-server.sh
#
# Settings, from the environment:
#   BENCH_LIST        a list file to import and serve (`interdict lists
#                     import FILE` into a fresh store), such as
#                     ../shared/data/lists/combined-2022-05-05.ftm.jsonl;
#                     default: none, the server uses the bundled lists
#   BENCH_SECONDS     length of each measurement (default 15)
#   BENCH_TARGET_RATE the throughput target, whose half (b) paces (default
#                     20000)
#   BENCH_CONNS       connection counts tried for the maximum (default
#                     "16 32 64 128 256")
#   BENCH_OVERLOAD_CONNS  connections of the overload run (default 2000)
#   BENCH_SWAPS       activations in the snapshot-swap run (default 6)
#   BENCH_KEEP        when set, keep the temporary folder (store, logs)
#   BENCH_SERVE_ARGS  more flags for `interdict serve`, such as
#                     "--audit-durability checkpoint"
#
# The measurements, all against POST /v1/screen/party with 400 request
# bodies rotating (bench/server/names.py: names from the list as written,
# changed, and made up; as_of 2021-03-01), each recorded in the audit log as
# in production:
#   a. max_throughput: wrk -t1 closed loop at each of BENCH_CONNS; the best
#      is the maximum. wrk shares the machine's cores with the server.
#   b. half_target_rate: open loop (bench/server/screen.lua paces wrk) at
#      half the throughput target (BENCH_TARGET_RATE / 2); then half_rate,
#      the same at half the maximum measured in (a), the harder of the two
#      on a machine faster than the target. Each gives p50/p99 latency, and
#      whether the schedule was kept.
#   c. overload: BENCH_OVERLOAD_CONNS connections, far past the server's
#      512 requests in flight: 2xx vs 429, /healthz afterwards, and the
#      server's VmRSS sampled every 0.2 s.
#   d. swap: closed load while POST /v1/lists/activate (admin) switches
#      between two stored snapshots BENCH_SWAPS times: every request must
#      get 2xx (or 429), none may fail.
# Each measurement also records the cores used (server, load generator,
# the rest) and what the server wrote to disk, in all and per request.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

seconds="${BENCH_SECONDS:-15}"
target_rate="${BENCH_TARGET_RATE:-20000}"
conns_list="${BENCH_CONNS:-16 32 64 128 256}"
overload_conns="${BENCH_OVERLOAD_CONNS:-2000}"
swaps="${BENCH_SWAPS:-6}"
list="${BENCH_LIST:-}"
if [ -n "$list" ]; then
  list=$(realpath "$list")
  [ -e "$list" ] || { echo "bench-server: BENCH_LIST $list does not exist" >&2; exit 1; }
fi

if ! command -v wrk >/dev/null; then
  echo "bench-server: installing wrk (Debian package)" >&2
  apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi
command -v curl >/dev/null || { echo "bench-server: needs curl" >&2; exit 1; }

cargo build --release --locked --bin interdict
bin="$root/target/release/interdict"

# Many connections in (c): raise the open-file limit for wrk and the server.
hard=$(ulimit -Hn)
if [ "$hard" = unlimited ] || [ "$hard" -ge 65536 ]; then ulimit -n 65536; else ulimit -n "$hard"; fi

tmp=$(mktemp -d)
export INTERDICT_DATA_DIR="$tmp/data"
token="bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
results="$tmp/results.jsonl"
: > "$results"
server_pid=""
sampler_pid=""
cleanup() {
  [ -n "$sampler_pid" ] && kill "$sampler_pid" 2>/dev/null || true
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ -n "${BENCH_KEEP:-}" ]; then echo "bench-server: kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '\n== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
# Adds the JSON object $2 to the last result line (named $1) in $results.
amend() {
  python3 - "$results" "$1" "$2" <<'PY'
import json, sys
path, name, extra = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
lines = [json.loads(l) for l in open(path) if l.strip()]
for r in reversed(lines):
    if r.get("name") == name:
        r.update(extra)
        break
else:
    lines.append(dict(name=name, **extra))
open(path, "w").write("".join(json.dumps(r) + "\n" for r in lines))
PY
}

say "machine"
echo "cores: $(nproc); load average: $(cut -d' ' -f1-3 /proc/loadavg); wrk: $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
echo "other busy processes (top, %CPU > 5):"
top -bn1 | awk 'NR>7 && $9+0 > 5 {print "  " $0}' | head -5 || true

if [ -n "$list" ]; then
  say "import $list"
  run "$bin" lists import "$list" 2>&1 | tail -2
else
  echo "no BENCH_LIST: serving the bundled lists"
fi

bodies="$tmp/bodies.txt"
python3 bench/server/names.py ${list:+--list "$list"} --count 400 "$bodies"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
say "start the server"
echo "\$ INTERDICT_DATA_DIR=$INTERDICT_DATA_DIR INTERDICT_ADMIN_TOKEN=... $bin serve --listen 127.0.0.1:$port ${BENCH_SERVE_ARGS:-}"
# shellcheck disable=SC2086 # BENCH_SERVE_ARGS is a list of flags
INTERDICT_ADMIN_TOKEN="$token" INTERDICT_SCREEN_TOKEN="" "$bin" serve --listen "127.0.0.1:$port" ${BENCH_SERVE_ARGS:-} 2>"$tmp/server.log" &
server_pid=$!
for _ in $(seq 1 1200); do
  kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/server.log" >&2; exit 1; }
  curl -sf -o /dev/null "$base/readyz" && break
  sleep 0.1
done
curl -sf "$base/readyz" >/dev/null || { echo "bench-server: not ready after 120 s" >&2; exit 1; }
head -1 "$tmp/server.log"
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status" 2>/dev/null || echo 0; }
echo "server pid $server_pid, VmRSS $(( $(rss_kb) / 1024 )) MB after start"
# One request by hand, to see that the bodies screen.
printf 'sample: '; curl -s -H 'Content-Type: application/json' --data-binary "$(head -1 "$bodies")" "$base/v1/screen/party" | head -c 160; echo

# CPU accounting, so that a figure taken while something else ran on the
# machine shows it: over each measurement, the cores used by the server
# (/proc/PID/stat), by the load generator (this shell's reaped children:
# wrk, curl, python), and by everything else (/proc/stat busy minus both).
clk=$(getconf CLK_TCK)
# cpu_mark FILE: writes the clock and CPU counters to FILE. Not to be run
# in $(...): `times` must see this shell's own children.
cpu_mark() {
  local busy server written
  busy=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat)
  server=$(awk '{print $14+$15}' "/proc/$server_pid/stat" 2>/dev/null || echo 0)
  written=$(awk '/^write_bytes:/ {print $2}' "/proc/$server_pid/io" 2>/dev/null || echo 0)
  times > "$tmp/times.txt"
  echo "$(date +%s.%N) $busy $server $(tail -1 "$tmp/times.txt" | awk -v hz="$clk" '{
    n = 0
    for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); n += (a[1] * 60 + a[2]) * hz }
    printf "%d", n }') ${written:-0}" > "$1"
}
# disk_written NAME BEFORE AFTER: what the server wrote to disk between two
# marks (/proc/PID/io write_bytes: the audit log, its checkpoints), in all
# and per request of result NAME, as JSON. Steadier from run to run than
# the latencies on a shared virtual disk, and what the tail follows.
disk_written() {
  python3 - "$results" "$1" "$(cat "$2")" "$(cat "$3")" <<'PY'
import json, sys
path, name = sys.argv[1], sys.argv[2]
written = float(sys.argv[4].split()[4]) - float(sys.argv[3].split()[4])
lines = [json.loads(l) for l in open(path) if l.strip()]
requests = next((r.get("requests") for r in reversed(lines) if r.get("name") == name), None)
out = {"server_disk_written_mb": round(written / 2**20, 1)}
if requests:
    out["server_disk_written_kb_per_request"] = round(written / 1024 / requests, 1)
print(json.dumps(out))
PY
}
# cpu_delta BEFORE AFTER: the cores used between two marks, as JSON.
cpu_delta() {
  python3 - "$(cat "$1")" "$(cat "$2")" "$clk" <<'PY'
import json, sys
a = [float(x) for x in sys.argv[1].split()]
b = [float(x) for x in sys.argv[2].split()]
hz = float(sys.argv[3])
wall = b[0] - a[0]
busy, server, gen = ((b[i] - a[i]) / hz / wall for i in (1, 2, 3))
print(json.dumps({"server": round(server, 2), "load_generator": round(gen, 2),
                  "other": round(max(busy - server - gen, 0), 2), "machine": round(busy, 2)}))
PY
}
# record_usage NAME BEFORE AFTER: prints the cores used and what the server
# wrote to disk between two marks, and adds both to result NAME.
record_usage() {
  local cores disk
  cores=$(cpu_delta "$2" "$3")
  echo "  cores used: $cores"
  amend "$1" "{\"cores_used\": $cores}"
  disk=$(disk_written "$1" "$2" "$3")
  echo "  written to disk: $disk"
  amend "$1" "$disk"
}

lua="$root/bench/server/screen.lua"
export BENCH_BODIES="$bodies" BENCH_OUT="$results"
# wrk with the screening script; $1 is the measurement's name, the rest
# wrk's arguments. The command is printed, and quoted in the result.
bench_wrk() {
  local name=$1; shift
  local cmd="wrk $* -s bench/server/screen.lua $base/v1/screen/party"
  local envs=""
  [ -n "${BENCH_RATE:-}" ] && envs+="BENCH_RATE=$BENCH_RATE "
  [ -n "${BENCH_STATUS:-}" ] && envs+="BENCH_STATUS=1 "
  printf '$ %sBENCH_BODIES=bodies.txt %s\n' "$envs" "$cmd"
  cpu_mark "$tmp/cpu-$name.txt"
  BENCH_NAME="$name" BENCH_CMD="$envs$cmd" wrk "$@" -s "$lua" "$base/v1/screen/party" | sed 's/^/  /'
  cpu_mark "$tmp/cpu-now.txt"
  record_usage "$name" "$tmp/cpu-$name.txt" "$tmp/cpu-now.txt"
}

# --- a. max throughput --------------------------------------------------
say "a. max throughput (closed loop, wrk -t1)"
bench_wrk warmup -t1 -c32 -d3s >/dev/null
best_rps=0; best_c=0
for c in $conns_list; do
  bench_wrk "max_throughput_c$c" -t1 -c"$c" -d"${seconds}s" --timeout 10s
  rps=$(tail -1 "$results" | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["requests_per_s"]))')
  if [ "$rps" -gt "$best_rps" ]; then best_rps=$rps; best_c=$c; fi
done
amend "max_throughput_c$best_c" "{\"max_throughput\": true}"
echo "max: $best_rps requests/s at -c$best_c (target $target_rate on 2 cores, wrk included)"

# --- b. latency at half the target rate, and at half the max -----------
half_target=$(( target_rate / 2 ))
say "b. open loop at half the target: $half_target requests/s"
BENCH_RATE=$half_target bench_wrk half_target_rate -t1 -c128 -d"${seconds}s" --timeout 10s
half=$(( best_rps / 2 ))
say "b. open loop at half the max: $half requests/s"
BENCH_RATE=$half bench_wrk half_rate -t1 -c128 -d"${seconds}s" --timeout 10s

# --- c. overload ---------------------------------------------------------
say "c. overload: $overload_conns connections"
rss_before=$(rss_kb)
( while kill -0 "$server_pid" 2>/dev/null; do rss_kb; sleep 0.2; done ) > "$tmp/rss.txt" &
sampler_pid=$!
BENCH_STATUS=1 bench_wrk overload -t1 -c"$overload_conns" -d"${seconds}s" --timeout 10s
kill "$sampler_pid" 2>/dev/null || true; wait "$sampler_pid" 2>/dev/null || true; sampler_pid=""
sleep 1
alive=false
health=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$base/healthz" || true)
[ "$health" = 200 ] && kill -0 "$server_pid" 2>/dev/null && alive=true
rss_after=$(rss_kb)
rss_max=$(sort -n "$tmp/rss.txt" | tail -1)
samples=$(wc -l < "$tmp/rss.txt")
echo "after: /healthz $health; VmRSS before $((rss_before / 1024)) MB, max during $((rss_max / 1024)) MB ($samples samples), after $((rss_after / 1024)) MB"
amend overload "{\"connections\": $overload_conns, \"healthz_after\": \"$health\", \"alive_after\": $alive, \"rss_mb\": {\"before\": $((rss_before / 1024)), \"max_during\": $((rss_max / 1024)), \"after\": $((rss_after / 1024)), \"samples\": $samples}}"

# --- d. snapshot swap under load ----------------------------------------
say "d. snapshot swaps under load"
# Two stored snapshots to switch between. With BENCH_LIST: that list and a
# second snapshot made of its first 90% of lines (as large, and different).
# Without: the two small FollowTheMoney fixtures of the CLI tests.
if [ -n "$list" ] && [ -f "$list" ]; then
  first="$list"
  second="$tmp/$(basename "$list" .jsonl)-90pct.jsonl"
  head -n $(( $(wc -l < "$list") * 9 / 10 )) "$list" > "$second"
else
  first="$root/crates/interdict/tests/fixtures/lists-v1.ftm.jsonl"
  second="$root/crates/interdict/tests/fixtures/lists-v2.ftm.jsonl"
fi
auth=(-H "Authorization: Bearer $token" -H 'Content-Type: application/json')
snapshot_of() {
  # Imports $1 without activating it, or finds it when stored already; prints its id.
  local out
  out=$(curl -s -m 600 "${auth[@]}" -d "{\"files\":[\"$1\"],\"activate\":false}" "$base/v1/lists/import")
  python3 -c 'import json,sys; print(json.loads(sys.argv[1])["snapshot"]["id"])' "$out" || {
    echo "bench-server: import of $1 failed: $out" >&2; exit 1; }
}
echo "\$ curl -H 'Authorization: Bearer ...' -d '{\"files\":[FILE],\"activate\":false}' $base/v1/lists/import   (for both files)"
snap_a=$(snapshot_of "$first")
snap_b=$(snapshot_of "$second")
echo "snapshot A: $snap_a ($first)"
echo "snapshot B: $snap_b ($second)"
# wrk runs long enough for every activation and is stopped with SIGINT
# (on which it stops and reports) once they are done.
swap_secs=$(( swaps * 60 + 60 ))
swap_cmd="wrk -t1 -c$best_c -d${swap_secs}s --timeout 10s -s bench/server/screen.lua $base/v1/screen/party"
echo "\$ BENCH_STATUS=1 BENCH_BODIES=bodies.txt $swap_cmd   (stopped with SIGINT after the last activation)"
cpu_mark "$tmp/cpu-swap.txt"
BENCH_STATUS=1 BENCH_NAME=swap BENCH_CMD="BENCH_STATUS=1 $swap_cmd" \
  wrk -t1 -c"$best_c" -d"${swap_secs}s" --timeout 10s -s "$lua" "$base/v1/screen/party" > "$tmp/swap-wrk.txt" &
wrk_pid=$!
sleep 2
swap_log="$tmp/swaps.jsonl"
: > "$swap_log"
echo "\$ curl -H 'Authorization: Bearer ...' -d '{\"snapshot\":ID}' $base/v1/lists/activate   ($swaps times, B and A in turn, 1 s apart)"
for i in $(seq 1 "$swaps"); do
  if [ $((i % 2)) -eq 1 ]; then target=$snap_b; else target=$snap_a; fi
  resp=$(curl -s -m 300 -w '\n%{http_code} %{time_total}' "${auth[@]}" -d "{\"snapshot\":\"$target\"}" "$base/v1/lists/activate")
  code_time=$(tail -1 <<<"$resp")
  live=$(head -n -1 <<<"$resp" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("live_snapshot_id",""))' 2>/dev/null || true)
  echo "  activate ${target:0:19}: HTTP ${code_time% *} in ${code_time#* } s; live now ${live:0:19}"
  printf '{"to":"%s","status":%s,"seconds":%s,"live":"%s"}\n' "$target" "${code_time% *}" "${code_time#* }" "$live" >> "$swap_log"
  sleep 1
done
sleep 1
kill -INT "$wrk_pid" 2>/dev/null || true
wait "$wrk_pid" 2>/dev/null || true
sed 's/^/  /' "$tmp/swap-wrk.txt"
cpu_mark "$tmp/cpu-now.txt"
record_usage swap "$tmp/cpu-swap.txt" "$tmp/cpu-now.txt"
swap_json=$(python3 -c '
import json, sys
s = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
ok = sum(1 for x in s if x["status"] == 200)
print(json.dumps({"activations": len(s), "activations_ok": ok,
                  "activation_seconds": [x["seconds"] for x in s],
                  "snapshots": [sys.argv[2], sys.argv[3]]}))' "$swap_log" "$snap_a" "$snap_b")
amend swap "$swap_json"
python3 - "$results" <<'PY'
import json, sys
r = [json.loads(l) for l in open(sys.argv[1]) if l.strip()][-1]
st = r.get("statuses", {})
bad = {k: v for k, v in st.items() if not (k.startswith("2") or k == "429")}
sock = sum(r["socket_errors"].values())
print(f"swap: {r['requests']} requests, statuses {st}, socket errors {sock}; "
      f"activations {r.get('activations_ok')}/{r.get('activations')} ok -> "
      + ("no request failed" if not bad and sock == 0 else f"FAILED requests: {bad}, socket errors {sock}"))
PY

say "results (JSON lines)"
python3 -c '
import json, sys
for l in open(sys.argv[1]):
    if l.strip() and json.loads(l).get("name") != "warmup":
        print(l.strip())' "$results"

#!/usr/bin/env bash
# Benchmark: `interdict lists import` of the real lists in ../shared/data,
# each into a fresh store, in a release build. Prints one JSON object per
# list: wall seconds and peak RSS of the whole process (read, parse, hash,
# write to SQLite in one transaction). Not a test: run it by hand.
#
#   scripts/bench-import.sh [SHARED_DATA_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
data="${1:-${INTERDICT_SHARED_DATA:-../shared/data}}"
[ -d "$data" ] || { echo "no list data at $data (pass the shared data directory)" >&2; exit 1; }
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }
cargo build --release --locked --quiet
bin=target/release/interdict
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for spec in "ftm-combined-2022-05-05:$data/lists/combined-2022-05-05.ftm.jsonl" \
            "ofac-sdn-2021-07:$data/formats/ofac-sdn-2021-07" \
            "ofac-consolidated-2025-12:$data/formats/ofac-consolidated-2025-12" \
            "un-2026-02:$data/formats/un-2026-02/consolidated.xml"; do
  name=${spec%%:*}; path=${spec#*:}
  best=""; rss=""
  for run in 1 2 3; do
    rm -rf "$tmp/store"
    /usr/bin/time -f "%e %M" -o "$tmp/time" "$bin" --data-dir "$tmp/store" lists import "$path" >/dev/null 2>"$tmp/err"
    read -r secs kb < "$tmp/time"
    if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; rss=$kb; fi
  done
  entities=$(grep -o 'is active: .*' "$tmp/err" | head -1)
  printf '{"list":"%s","best_of_3_wall_s":%s,"peak_rss_mb":%.1f,"summary":"%s"}\n' "$name" "$best" "$(awk "BEGIN{print $rss/1024}")" "$entities"
done

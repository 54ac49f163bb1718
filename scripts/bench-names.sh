#!/usr/bin/env bash
# Benchmark: name-matching quality and speed of interdict against a brute-force
# rapidfuzz baseline, on cases made from the names of a real list. Not a test:
# run it by hand. Prints a markdown table (recall per variation class at a 5%
# false-positive rate, then speed); bench/names/README.md explains the cases.
#
#   scripts/bench-names.sh
#
# Settings, from the environment:
#   LIST           FtM JSON-lines list (default ../shared/data/lists/combined-2022-05-05.ftm.jsonl)
#   PER_CLASS      cases per class (default 150)
#   SEED           generator seed (default 7)
#   SKIP_BASELINE  1: skip rapidfuzz (it scores every case against every name:
#                  4-6 minutes for the default cases on 2 cores) and report
#                  interdict alone
#   SCALE_NAMES    N: also build a synthetic list of N names from the real one
#                  (bench/names/synthesize.py) and time interdict over the real
#                  and the synthetic list together; its summary is written to
#                  target/bench-names/scale-summary.json (2000000 for the 2M
#                  figures: about a minute and 2.0 GiB)
#
# Steps: makes a Python venv in target/bench-venv if missing and installs
# bench/names/requirements.txt; generates target/bench-names/cases.jsonl;
# builds interdict (release) and runs `interdict bench names`; runs the
# baseline; prints the report (also written as target/bench-names/report.json).
set -euo pipefail
cd "$(dirname "$0")/.."
list="${LIST:-../shared/data/lists/combined-2022-05-05.ftm.jsonl}"
per_class="${PER_CLASS:-150}"
seed="${SEED:-7}"
[ -f "$list" ] || { echo "no list at $list (set LIST to an FtM JSON-lines file)" >&2; exit 1; }

venv=target/bench-venv
out=target/bench-names
mkdir -p "$out"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r bench/names/requirements.txt
py="$venv/bin/python"

echo "== generating cases ($per_class per class, seed $seed)" >&2
"$py" bench/names/generate.py --list "$list" --seed "$seed" --per-class "$per_class" --out "$out/cases.jsonl"

echo "== interdict bench names" >&2
cargo build --release --locked --quiet -p interdict
target/release/interdict bench names --cases "$out/cases.jsonl" --list "$list" \
  --out "$out/interdict.jsonl" > "$out/interdict-summary.json"
engines=(--engine "interdict=$out/interdict.jsonl:$out/interdict-summary.json")

if [ "${SKIP_BASELINE:-0}" != 1 ]; then
  echo "== rapidfuzz baseline (WRatio against every name)" >&2
  "$py" bench/names/rapidfuzz_baseline.py --cases "$out/cases.jsonl" --list "$list" \
    --out "$out/rapidfuzz.jsonl" > "$out/rapidfuzz-summary.json"
  engines+=(--engine "rapidfuzz=$out/rapidfuzz.jsonl:$out/rapidfuzz-summary.json")
fi

echo >&2
"$py" bench/names/report.py "$out/cases.jsonl" "${engines[@]}" --json "$out/report.json"

if [ -n "${SCALE_NAMES:-}" ]; then
  echo "== scale: a synthetic list of $SCALE_NAMES names" >&2
  synthetic="$out/synthetic-$SCALE_NAMES.ftm.jsonl"
  [ -f "$synthetic" ] || "$py" bench/names/synthesize.py --list "$list" --names "$SCALE_NAMES" --out "$synthetic"
  target/release/interdict bench names --cases "$out/cases.jsonl" --list "$list" --list "$synthetic" \
    > "$out/scale-summary.json"
  cat "$out/scale-summary.json"
fi

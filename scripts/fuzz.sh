#!/usr/bin/env bash
# Fuzzes the list readers of interdict-lists with cargo-fuzz (libFuzzer).
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# SECONDS_PER_TARGET: how long each target runs (-max_total_time); also
#   FUZZ_SECONDS; default 20.
# TARGET...: the targets to run (also FUZZ_TARGETS, space-separated);
#   default every target in fuzz/Cargo.toml (`cargo fuzz list`).
# Other settings, from the environment:
#   FUZZ_TIMEOUT    seconds one input may take before it counts as a hang (10)
#   FUZZ_RSS_MB     memory limit of a target, in MB (2048)
#   FUZZ_SANITIZER  cargo fuzz --sanitizer: none (default, quicker to build
#                   and run: the readers and their parsers are safe Rust) or
#                   address
#
# Steps: installs cargo-fuzz if `cargo fuzz --version` fails; builds every
# target (with debug assertions, so arithmetic overflow panics too); replays
# the saved crashing inputs in fuzz/regressions/<target>/; seeds each
# target's corpus (fuzz/corpus/<target>/, never committed) from the test
# fixtures and examples; runs each target. Exits non-zero, naming the
# targets, if any target fails to build or crashes (a panic, a hang longer
# than FUZZ_TIMEOUT, or more memory than FUZZ_RSS_MB); the crashing input
# is under fuzz/artifacts/<target>/ and the output in fuzz/logs/<target>.log.
#
# The toolchain is stable: cargo-fuzz needs unstable rustc flags, which
# RUSTC_BOOTSTRAP=1 allows. Works from a fresh clone; ../shared/data is used
# for a few more seeds when it is there, and is not needed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
FUZZ="$ROOT/fuzz"
FIXTURES="$ROOT/crates/lists/tests/fixtures"
SHARED="$ROOT/../shared/data"

SECONDS_PER_TARGET=${1:-${FUZZ_SECONDS:-20}}
[ $# -gt 0 ] && shift
TIMEOUT=${FUZZ_TIMEOUT:-10}
RSS_MB=${FUZZ_RSS_MB:-2048}
SANITIZER=${FUZZ_SANITIZER:-none}
case "$SECONDS_PER_TARGET" in
    '' | *[!0-9]*)
        echo "fuzz.sh: seconds per target must be a whole number, not \`$SECONDS_PER_TARGET\`" >&2
        exit 2
        ;;
esac

export RUSTC_BOOTSTRAP=1
# Keep the readers' temporary files (ofac, inventory) inside fuzz/.
export TMPDIR="$FUZZ/tmp"
rm -rf "$TMPDIR"
mkdir -p "$TMPDIR" "$FUZZ/logs" "$FUZZ/dict"

started=$SECONDS
step() { echo "== [$((SECONDS - started))s] $*"; }

if ! cargo fuzz --version >/dev/null 2>&1; then
    step "installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi
cargo fuzz --version

all_targets=0
if [ $# -gt 0 ]; then
    targets=("$@")
elif [ -n "${FUZZ_TARGETS:-}" ]; then
    read -r -a targets <<<"$FUZZ_TARGETS"
else
    mapfile -t targets < <(cargo fuzz list)
    all_targets=1
fi
[ ${#targets[@]} -gt 0 ] || { echo "fuzz.sh: no targets" >&2; exit 2; }

BUILD_FLAGS=(--release --debug-assertions --sanitizer "$SANITIZER")
HOST=$(rustc -vV | sed -n 's/^host: //p')
BIN_DIR="$FUZZ/target/$HOST/release"
LIBFUZZER_FLAGS=(-rss_limit_mb="$RSS_MB" -timeout="$TIMEOUT")

failed=()
fail() { failed+=("$1"); }

# --- seeds ------------------------------------------------------------------

# Copies files (those that exist) into a target's corpus.
seed() {
    local corpus="$FUZZ/corpus/$1" f
    shift
    mkdir -p "$corpus"
    for f in "$@"; do
        [ -f "$f" ] && cp "$f" "$corpus/seed-$(basename "$(dirname "$f")")-$(basename "$f")"
    done
    return 0
}

# Joins files with the 0xFF separator of the ofac and native targets into
# one seed; an empty argument is an absent part.
seed_joined() {
    local out="$FUZZ/corpus/$1/seed-$2" first=1 f
    shift 2
    mkdir -p "$(dirname "$out")"
    : >"$out"
    for f in "$@"; do
        [ $first = 1 ] || printf '\377' >>"$out"
        first=0
        if [ -n "$f" ] && [ -f "$f" ]; then cat "$f" >>"$out"; fi
    done
}

# Small fixture files of one reader, if its folder exists (notes
# excluded), optionally only those whose name matches a pattern.
fixtures() {
    [ -d "$FIXTURES/$1" ] || return 0
    find "$FIXTURES/$1" -type f ! -name '*.md' -name "${2:-*}" -size -64k | sort
}

seed_target() {
    local t=$1 corpus="$FUZZ/corpus/$1"
    mkdir -p "$corpus"
    case "$t" in
        ofac)
            local s="$FIXTURES/ofac/sdn" c="$FIXTURES/ofac/cons"
            seed_joined ofac sdn-all "$s/sdn.csv" "$s/add.csv" "$s/alt.csv" "$s/sdn_comments.csv"
            seed_joined ofac sdn-primary "$s/sdn.csv"
            seed_joined ofac cons-all "$c/cons_prim.csv" "$c/cons_add.csv" "$c/cons_alt.csv" "$c/cons_comments.csv"
            ;;
        native)
            local b="$ROOT/data/builtin"
            seed native "$b"/*.toml "$ROOT"/examples/*.toml
            seed_joined native builtin-all "$b/sources.toml" "$b/orders.toml" "$b/apps.toml" "$b/entities.toml"
            ;;
        inventory)
            seed inventory "$ROOT"/examples/*.csv
            ;;
        messages)
            seed messages "$ROOT"/examples/messages/*
            ;;
        payments_csv)
            seed payments_csv "$ROOT"/examples/payments.csv
            ;;
        ftm)
            # No FtM fixture in the repository: a few lines of each kind.
            cat >"$corpus/seed-inline.jsonl" <<'JSONL'
{"id": "p1", "schema": "Person", "properties": {"name": ["Ivan Petrov"], "alias": ["I. Petrov"], "birthDate": ["1970-02"], "nationality": ["ru"], "passportNumber": ["1234567"]}, "datasets": ["demo"]}
{"id": "c1", "schema": "Company", "properties": {"name": ["Acme LLC"], "jurisdiction": ["ru"], "innCode": ["7707083893"], "website": ["acme.example"]}, "datasets": ["demo"]}
{"id": "v1", "schema": "Vessel", "properties": {"name": ["SEA STAR"], "imoNumber": ["IMO 9176187"], "flag": ["pa"]}}
{"id": "w1", "schema": "CryptoWallet", "properties": {"name": ["wallet"], "publicKey": ["1BoatSLRHtKNngkdXEeobR76b53LETtpyT"], "currency": ["XBT"], "holder": ["p1"]}}
{"id": "o1", "schema": "Ownership", "properties": {"owner": ["p1"], "asset": ["c1"], "percentage": ["51%"], "startDate": ["2014"]}}
{"id": "d1", "schema": "Directorship", "properties": {"director": ["p1"], "organization": ["c1"], "role": ["CEO"]}}
{"id": "i1", "schema": "Passport", "properties": {"holder": ["p1"], "number": ["AB123456"], "country": ["ru"]}}
{"id": "s1", "schema": "Sanction", "properties": {"entity": ["c1"], "authority": ["US OFAC"], "program": ["RUSSIA-EO14024"], "startDate": ["2022-02-24"], "endDate": ["2023-01-01"]}}
JSONL
            if [ -f "$SHARED/lists/combined-2022-05-05.ftm.jsonl" ]; then
                head -n 40 "$SHARED/lists/combined-2022-05-05.ftm.jsonl" >"$corpus/seed-shared-head.jsonl"
            fi
            ;;
        csl)
            mapfile -t files < <(fixtures csl '*.csv')
            seed csl "${files[@]}" "$SHARED/formats/us-csl/consolidated-2025-06-sample.csv"
            if [ -f "$SHARED/formats/us-csl/consolidated-2019-12-sample.csv" ]; then
                head -n 20 "$SHARED/formats/us-csl/consolidated-2019-12-sample.csv" >"$corpus/seed-shared-2019-head.csv"
            fi
            ;;
        csl_json)
            mapfile -t files < <(fixtures csl '*.json')
            seed csl_json "${files[@]}"
            ;;
        dpl)
            mapfile -t files < <(fixtures dpl)
            seed dpl "${files[@]}"
            if [ -f "$SHARED/formats/bis-dpl-2019/dpl.txt" ]; then
                head -n 30 "$SHARED/formats/bis-dpl-2019/dpl.txt" >"$corpus/seed-shared-head.txt"
            fi
            ;;
        names)
            # The query, then the listed names: scripts, initials, legal
            # forms, particles, cut-short and joined spellings.
            printf '%s\n' "Mohamed Al Sayed" "Muhammad al-Sayyid" "محمد السيد" "Abd al Rahman" "AL-SAYED TRADING CO LTD" \
                >"$corpus/seed-arabic.txt"
            printf '%s\n' "Ma Yun" "马云" "Tencent Holdings" "腾讯控股有限公司" "Alipay.com Co., Ltd." "MA, Yun" \
                >"$corpus/seed-han.txt"
            printf '%s\n' "Yuri Ivanovich Petrov" "Юрий Иванович Петров" "Iurii Petrov" "I. PETROV" "JSCARGUMENT" "JSC ARGUMENT" \
                >"$corpus/seed-cyrillic.txt"
            printf '%s\n' "Jon Smith" "John Smith" "SMITH, John Jr." "CORP" "Smith Trading Corp" "Jonathan Smithers-Vanderbilt" \
                >"$corpus/seed-latin.txt"
            # Facts after a tab: birth dates, countries, the query's kind.
            printf '%s\n' $'Ivan Petrov\t1970-05\tRU\tperson' $'Ivan Petrov\t1970-05-01\tRU' $'Ivan Petrova\t1971\tUA' \
                $'I. PETROV\t1975' $'Petrov Trading LLC\tRU' \
                >"$corpus/seed-facts.txt"
            ;;
        *)
            # un, eu, uk and any later reader: tests/fixtures/<target>/.
            mapfile -t files < <(fixtures "$t")
            seed "$t" "${files[@]}"
            ;;
    esac
    # Never an empty corpus: libFuzzer then starts from one empty input.
    return 0
}

# A libFuzzer dictionary from the string literals of the reader's source
# (XML element names, CSV headers, JSON keys, keywords), made afresh at each
# run so that it follows the reader.
make_dict() {
    local t=$1 src="$ROOT/crates/lists/src/${1%%_*}.rs" dict="$FUZZ/dict/$1.dict"
    : >"$dict"
    [ -f "$src" ] || return 0
    grep -o '"[^"\\{}]\{2,64\}"' "$src" | LC_ALL=C grep -v '[^ -~]' | sort -u | head -n 1000 >"$dict" || true
    [ -s "$dict" ] && echo "-dict=$dict"
    return 0
}

# --- build ------------------------------------------------------------------

step "building ${#targets[@]} targets: ${targets[*]}"
built=()
# Every target in one cargo run when none were chosen (quicker: the
# binaries link in parallel); one by one otherwise, or when that fails, so
# that those that build still run.
if [ "$all_targets" = 1 ] && cargo fuzz build "${BUILD_FLAGS[@]}" >"$FUZZ/logs/build.log" 2>&1; then
    built=("${targets[@]}")
else
    for t in "${targets[@]}"; do
        if cargo fuzz build "${BUILD_FLAGS[@]}" "$t" >"$FUZZ/logs/$t.build.log" 2>&1; then
            built+=("$t")
        else
            echo "!! $t: build failed; from fuzz/logs/$t.build.log:"
            grep -E '^error' -A 6 "$FUZZ/logs/$t.build.log" | head -n 30 || tail -n 30 "$FUZZ/logs/$t.build.log"
            fail "$t (build failed)"
        fi
    done
fi
step "built: ${built[*]:-none}"

# --- regressions: inputs that crashed once must not crash again ---------------

for t in "${built[@]}"; do
    dir="$FUZZ/regressions/$t"
    [ -d "$dir" ] || continue
    mapfile -t inputs < <(find "$dir" -type f ! -name '*.md' | sort)
    [ ${#inputs[@]} -gt 0 ] || continue
    step "$t: replaying ${#inputs[@]} saved inputs from fuzz/regressions/$t/"
    if ! "$BIN_DIR/$t" "${LIBFUZZER_FLAGS[@]}" "${inputs[@]}" >"$FUZZ/logs/$t.regressions.log" 2>&1; then
        echo "!! $t: a saved input still crashes:"
        grep -E 'panicked at|Running:|ERROR: libFuzzer|SUMMARY' "$FUZZ/logs/$t.regressions.log" | head -n 20 || true
        fail "$t (regression)"
    fi
done

# --- fuzz ---------------------------------------------------------------------

for t in "${built[@]}"; do
    seed_target "$t"
    dict_flag=$(make_dict "$t")
    n=$(find "$FUZZ/corpus/$t" -type f | wc -l)
    step "$t: fuzzing for ${SECONDS_PER_TARGET}s from $n corpus files"
    log="$FUZZ/logs/$t.log"
    # shellcheck disable=SC2086 # dict_flag is one word or none
    if cargo fuzz run "${BUILD_FLAGS[@]}" "$t" -- \
        -max_total_time="$SECONDS_PER_TARGET" "${LIBFUZZER_FLAGS[@]}" \
        -print_final_stats=1 $dict_flag >"$log" 2>&1; then
        grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$log" | tr '\n' ' ' || true
        echo
    else
        echo "!! $t crashed; from fuzz/logs/$t.log:"
        grep -E 'panicked at|^thread|ERROR: libFuzzer|SUMMARY|Test unit written|Base64' "$log" | head -n 20 || tail -n 40 "$log"
        fail "$t (crash)"
    fi
done

rm -rf "$TMPDIR"
step "done"
if [ ${#failed[@]} -gt 0 ]; then
    echo "FUZZING FAILED: ${failed[*]}"
    echo "Crashing inputs: fuzz/artifacts/<target>/; reproduce with"
    echo "  RUSTC_BOOTSTRAP=1 cargo fuzz run ${BUILD_FLAGS[*]} <target> fuzz/artifacts/<target>/<file>"
    exit 1
fi
echo "fuzzing passed: ${built[*]} (${SECONDS_PER_TARGET}s each)"

#!/usr/bin/env bash
# Fuzzes herald with cargo-fuzz (libFuzzer) for SECONDS in all, shared out evenly between
# the targets named (default: both, `bytes` and `structured`), one process at a time.
#
#   fuzz/run.sh                 # 60 s: 30 s each (what .ci/run calls)
#   fuzz/run.sh 3600            # one hour: 30 min each
#   fuzz/run.sh 600 structured  # ten minutes of one target
#
# Installs cargo-fuzz when it is missing (cargo install, a few minutes), builds the targets
# on the stable toolchain (RUSTC_BOOTSTRAP=1, no sanitizer: the code is safe Rust, so a
# sanitizer would find nothing a panic does not; debug assertions on, so herald's own
# cross-checks run), seeds `fuzz/corpus/bytes` with every bundled scenario and
# `fuzz/corpus/structured` with a few fixed pseudo-random streams, and runs each target.
# Extra libFuzzer flags come from FUZZ_ARGS (e.g. FUZZ_ARGS="-fork=1 -ignore_crashes=1"
# to go on after a crash). The corpora grow between runs (they are not committed).
#
# A crash, a timeout (30 s for one input) or going past 2 GB stops the target with a
# non-zero exit; the input is in fuzz/artifacts/TARGET/ (see "Fuzzing" in HACKING.md for
# how to minimise it and turn it into a regression test).
set -euo pipefail
cd "$(dirname "$0")"

seconds=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(bytes structured)
fi
each=$((seconds / ${#targets[@]}))
if [ "$each" -lt 1 ]; then
    each=1
fi

export RUSTC_BOOTSTRAP=1
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz/run.sh: installing cargo-fuzz" >&2
    start=$(date +%s)
    cargo install cargo-fuzz --locked --version 0.13.2
    echo "fuzz/run.sh: cargo-fuzz installed in $(($(date +%s) - start)) s" >&2
fi

build=(-s none --release --debug-assertions)
cargo fuzz build "${build[@]}"

# Seeds. The bundled scenarios, named after their paths (two exercises may share a name).
mkdir -p corpus/bytes corpus/structured
while IFS= read -r -d '' f; do
    rel=${f#../scenarios/}
    cp "$f" "corpus/bytes/seed-${rel//\//_}"
done < <(find ../scenarios -name '*.herald' -print0)
# The structured target reads 4 bytes per choice: fixed pseudo-random streams of 100 to
# 1,000 choices give it whole scenarios to start from (libFuzzer alone starts from an
# empty input and grows it slowly).
for i in $(seq 1 24); do
    out="corpus/structured/seed-$i"
    [ -e "$out" ] && continue
    n=$(( (i * 37 % 10 + 1) * 100 ))
    # perl's rand is drand48: the same seeds on every machine (perl-base is essential
    # on Debian).
    perl -e 'srand($ARGV[0]); print pack("C*", map { int(rand(256)) } 1 .. 4 * $ARGV[1])' "$i" "$n" >"$out"
done

status=0
for t in "${targets[@]}"; do
    args=(-timeout=30 -rss_limit_mb=2048 -max_total_time="$each" -print_final_stats=1)
    case "$t" in
        bytes) args+=(-dict=herald.dict -max_len=8192) ;;
        structured) args+=(-max_len=8192) ;;
    esac
    # shellcheck disable=SC2206
    args+=(${FUZZ_ARGS:-})
    echo "fuzz/run.sh: $t for $each s" >&2
    if ! cargo fuzz run "${build[@]}" "$t" "corpus/$t" -- "${args[@]}"; then
        echo "fuzz/run.sh: $t FAILED: see fuzz/artifacts/$t/" >&2
        status=1
    fi
done
exit "$status"

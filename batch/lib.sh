# shellcheck shell=bash
# Shared by the batch recipe tests (batch/*/test.sh): sourced, not run.
#
# Each test runs one of the README's "Running on many machines" recipes as written on a
# real batch system started on this machine, and compares the merged report with the
# whole run's, byte for byte. The recipes are read from README.md by their
# `<!-- recipe: NAME -->` marker: the text that runs is the text users copy.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The scenario and the small-but-real sizes the recipes run with here; the README's
# recipes take FILE, N and M from the environment.
export FILE=scenarios/attempt2-acknowledgment.herald N=${HERALD_BATCH_N:-100000} M=${HERALD_BATCH_M:-8}
export NO_COLOR=1

# The script's name, for messages.
SELF=$(basename "$(dirname "$0")")/$(basename "$0")

say() { printf '%s: %s\n' "$SELF" "$*" >&2; }
fail() {
    say "FAILED: $*"
    exit 1
}

# Prints the shell block that follows `<!-- recipe: $1 -->` in README.md (the first
# fenced block after the marker), or fails naming the marker.
recipe() {
    local text
    text=$(awk -v marker="<!-- recipe: $1 -->" '
        $0 == marker { found = 1; next }
        found == 1 && /^```/ { found = 2; next }
        found == 2 && /^```/ { exit }
        found == 2 { print }
    ' "$ROOT/README.md")
    [ -n "$text" ] || fail "README.md has no block after <!-- recipe: $1 -->"
    printf '%s\n' "$text"
}

# Builds herald from this tree (a no-op when it is up to date) and puts it first on
# PATH, so every `herald` the recipes run is this tree's. HERALD_BIN_DIR, when set,
# names a folder that already holds the binary (no build).
herald_on_path() {
    if [ -z "${HERALD_BIN_DIR:-}" ]; then
        (cd "$ROOT" && cargo build --locked --quiet --bin herald) || fail "cargo build failed"
        HERALD_BIN_DIR=$ROOT/target/debug
    fi
    [ -x "$HERALD_BIN_DIR/herald" ] || fail "no herald in $HERALD_BIN_DIR"
    export HERALD_BIN_DIR PATH="$HERALD_BIN_DIR:$PATH"
}

# Installs Debian packages when a command is missing: `need COMMAND PACKAGE...`.
# Services are not started by the install (policy-rc.d, when the machine has one, or
# our own daemons' settings): each test starts what it needs by hand.
APT_UPDATED=
need() {
    local cmd=$1
    shift
    command -v "$cmd" >/dev/null && return 0
    say "installing $* (no $cmd)"
    need_package "$@"
    command -v "$cmd" >/dev/null || fail "$cmd is still missing after installing $*"
}

# Installs Debian packages: `need_package PACKAGE...`.
need_package() {
    if [ -z "$APT_UPDATED" ]; then
        apt-get update -qq || fail "apt-get update failed"
        APT_UPDATED=1
    fi
    # The packages' own services (the machine's sshd on port 22, munged, slurmd) are
    # not started: a policy-rc.d that denies, for the install only, if none is there.
    local policy=
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        policy=/usr/sbin/policy-rc.d
        printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy"
    fi
    local status=0
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null || status=$?
    [ -z "$policy" ] || rm -f "$policy"
    [ "$status" -eq 0 ] || fail "apt-get install $* failed"
}

# Waits at most $1 seconds for the command after it to succeed, polling every half
# second; fails with $2 (what was awaited) when the time is up.
wait_for() {
    local seconds=$1 what=$2
    shift 2
    local deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        [ "$SECONDS" -lt "$deadline" ] || fail "timed out after ${seconds}s waiting for $what"
        sleep 0.5
    done
}

# Stops the processes whose pids are given: SIGTERM, then, for one that ignores it for
# 10 s, SIGKILL (every wait bounded).
stop_pids() {
    local pid
    for pid in "$@"; do kill "$pid" 2>/dev/null || true; done
    for pid in "$@"; do
        for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -9 "$pid" 2>/dev/null || true
    done
}

# At the end of a test whose exit status is $1 and scratch folder $2: on failure, the
# tails of the logs given after them and the folder kept (and named); else the folder
# removed.
keep_on_failure() {
    local status=$1 dir=$2 log
    shift 2
    if [ "$status" -ne 0 ]; then
        for log in "$@"; do
            [ -f "$log" ] && { echo "--- $log" >&2; tail -20 "$log" >&2; }
        done
        say "the scratch folder is kept: $dir"
    else
        rm -rf "$dir"
    fi
}

# A scratch folder holding the scenario at $FILE, as a user's working folder would.
scratch() {
    local dir
    dir=$(mktemp -d "${TMPDIR:-/tmp}/herald-$1.XXXXXX")
    mkdir -p "$dir/$(dirname "$FILE")"
    cp "$ROOT/$FILE" "$dir/$FILE"
    printf '%s\n' "$dir"
}

# In folder $1: checks that the recipe left exactly M parts and a report.txt equal,
# byte for byte, to `herald run $FILE --trials $N` on this machine (or, with $2, to
# `herald run $2 --trials $N`: the scenario named as the recipe's slices named it).
compare_with_whole_run() {
    local dir=$1 scenario=${2:-$FILE} parts
    parts=$(find "$dir" -maxdepth 1 -name 'part-*.json' | wc -l)
    [ "$parts" -eq "$M" ] || fail "the recipe left $parts parts in $dir, not M=$M"
    [ -s "$dir/report.txt" ] || fail "the recipe wrote no report.txt in $dir"
    (cd "$dir" && herald run "$scenario" --trials "$N" >whole.txt) || fail "herald run $scenario --trials $N failed"
    if ! cmp -s "$dir/report.txt" "$dir/whole.txt"; then
        diff -u "$dir/whole.txt" "$dir/report.txt" | head -40 >&2 || true
        fail "the merged report differs from herald run $scenario --trials $N (above: whole run vs merged)"
    fi
    say "ok: $M parts merged into the report of herald run $scenario --trials $N, byte for byte"
}

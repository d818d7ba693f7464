#!/usr/bin/env bash
# Tests the playground: builds it (web/build.sh: installs what is missing), then
#  1. every bundled scenario, exercise and solution through the page's wasm build and the
#     native `herald`, compared byte for byte (tests/cli.test.mjs);
#  2. the built page in headless Chromium from file:// (tests/page.test.mjs), which writes
#     web/dist/screenshot.png.
# Installs Debian's chromium when missing (never a browser download). Cold: the time of
# build.sh and a few minutes more; warm: a few minutes.
set -euo pipefail
web="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$web")"
start=$SECONDS
step() { echo "== web/test.sh: $* ($((SECONDS - start)) s)"; }

bash "$web/build.sh"

if [ ! -x /usr/bin/chromium ]; then
  step "installing Debian's chromium with apt-get (a few minutes)"
  if [ "$(id -u)" != 0 ]; then
    echo "web/test.sh: /usr/bin/chromium is missing; apt-get install chromium (or set CHROMIUM)" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

step "building the native herald to compare with"
(cd "$root" && cargo build --locked --quiet --bin herald)
export HERALD_BIN="$root/target/debug/herald"

step "node tests: wasm = native, then the page in Chromium"
cd "$web"
if ! timeout 1800 node --test --test-timeout=900000 --test-concurrency=1 tests/cli.test.mjs tests/page.test.mjs; then
  echo "web/test.sh: FAILED (see above; the page's screenshot, if it got that far: web/dist/screenshot.png)" >&2
  exit 1
fi
step "passed; screenshot: web/dist/screenshot.png"

#!/usr/bin/env bash
# Builds the playground into web/dist/: a static folder (index.html and classic scripts,
# herald's WebAssembly inside) that works opened from file:// and on any static host.
#
# Installs what is missing, and says so: Debian's rustc-web, cargo-web, rust-web-src and
# lld-22 (a Rust toolchain that can build std for wasm32: rustup's prebuilt wasm32 target
# cannot be downloaded here), wasm-bindgen-cli at the version Cargo.lock pins (cargo
# install, 10-25 minutes the first time), and the npm packages of package-lock.json.
# Cold: about 25-35 minutes on 2 cores; warm: under a minute when nothing changed.
set -euo pipefail
web="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$web")"
cd "$root"
start=$SECONDS
step() { echo "== $* ($((SECONDS - start)) s)"; }

# ------------------------------------------------------------------ tools
apt_install() {
  step "installing with apt-get: $* (a few minutes)"
  if [ "$(id -u)" != 0 ]; then
    echo "build.sh: $* missing; install them (apt-get install $*) or run as root" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
need=()
[ -x /usr/bin/rustc ] && /usr/bin/rustc -V | grep -q '^rustc 1\.\(8[8-9]\|9[0-9]\)' || need+=(rustc-web)
[ -x /usr/bin/cargo ] || need+=(cargo-web)
[ -d /usr/lib/rustlib/src/rust/library ] || need+=(rust-web-src)
command -v wasm-ld-22 >/dev/null || need+=(lld-22)
if [ ${#need[@]} -gt 0 ]; then apt_install "${need[@]}"; fi

# wasm-bindgen-cli must be the version of the wasm-bindgen crate in Cargo.lock.
bindgen_version="$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')"
export PATH="$HOME/.cargo/bin:$PATH"
if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $bindgen_version"; then
  step "installing wasm-bindgen-cli $bindgen_version with cargo install (10-25 minutes the first time)"
  # Not --locked: the CLI's own lock file pins crates that no longer build with a newer rustc.
  # Only the wasm-bindgen binary, without TLS (only its test runner downloads anything).
  cargo install --quiet wasm-bindgen-cli --version "$bindgen_version" --no-default-features --bin wasm-bindgen
fi

if [ ! -f "$web/node_modules/.package-lock.json" ] || [ "$web/package-lock.json" -nt "$web/node_modules/.package-lock.json" ]; then
  step "installing the npm packages (npm ci, about a minute)"
  (cd "$web" && npm ci --no-audit --no-fund --loglevel=error)
fi

# ------------------------------------------------------------------ the wasm
step "building herald for wasm32 (Debian's rustc-web, std built from rust-web-src)"
# A target folder of its own: the wasm build uses another rustc than the native one, and
# sharing target/ would make each rebuild the other's host crates.
wasm_target="$root/target/web"
(
  export RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc PATH="/usr/bin:$PATH"
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-22 CARGO_TARGET_DIR="$wasm_target"
  /usr/bin/cargo build --quiet --locked --release -p herald-web --target wasm32-unknown-unknown \
    -Zbuild-std=std,panic_abort
)
step "wasm-bindgen"
bindgen_out="$wasm_target/bindgen"
rm -rf "$bindgen_out"
wasm-bindgen --target no-modules --no-typescript --out-dir "$bindgen_out" \
  "$wasm_target/wasm32-unknown-unknown/release/herald_web.wasm"

# ------------------------------------------------------------------ the page
step "assembling web/dist"
rm -rf "$web/dist"
mkdir -p "$web/dist"
(cd "$web" && node assemble.mjs "$bindgen_out")
step "done: $web/dist/index.html ($(du -sh "$web/dist" | cut -f1)), open it in a browser"

#!/usr/bin/env bash
# Neovim's built-in LSP client against `herald lsp`: opens a broken scenario headless and
# checks that the diagnostics arrive, with the right code at the right place (a column
# after non-ASCII text, in UTF-16 units). Installs Debian's neovim when it is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v nvim > /dev/null; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends neovim > /dev/null
fi
cargo build --locked --quiet
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/broken.herald" <<'SCENARIO'
scenario "Attaque à l'aube 🎺"
channel A <-> B { lose 50% }
general A "é🎺" { on start { send plan to Nobody } decide at 5: attack }
general B { decide at 5: wait }
SCENARIO
# `Nobody` on line 2 (0-based), column 42: after `é` (1 UTF-16 unit, 2 bytes) and `🎺` (2
# units, 4 bytes); counting bytes would say 45, characters 41.
HERALD="$PWD/target/debug/herald" SCENARIO="$tmp/broken.herald" \
  EXPECT_CODE="herald::check::unknown_general" EXPECT_LINE=2 EXPECT_COL=42 \
  timeout 120 nvim --headless -u NONE -i NONE -n -c "luafile editors/nvim/test.lua"

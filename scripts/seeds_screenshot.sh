#!/usr/bin/env bash
# Makes docs/seeds-map.png, the README's picture of the HTML map page: the
# five seed articles (kept beside the repository in ../shared/seeds, never
# in it) mapped to a page, opened in headless Chromium, one claim chosen
# in the panel, and photographed. Rerun it after changing the page.
#
#   bash scripts/seeds_screenshot.sh            # needs chromium and python3
#
# SEEDS (default ../shared/seeds), GEOMENTION (default: a release build,
# made here) and CLAIM (which claim of the panel to open, default 2) can be
# set; CHROMIUM is read by viewer/dev/check_page.py.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

SEEDS="${SEEDS:-$ROOT/../shared/seeds}"
CLAIM="${CLAIM:-2}"
if [ ! -d "$SEEDS" ]; then
  echo "no seed articles at $SEEDS (set SEEDS=DIR)" >&2
  exit 1
fi
if [ -z "${GEOMENTION:-}" ]; then
  cargo build --release --quiet
  GEOMENTION="${CARGO_TARGET_DIR:-$ROOT/target}/release/geomention"
fi

mkdir -p "$ROOT/build" "$ROOT/docs"
"$GEOMENTION" map "$SEEDS" --quiet -o "$ROOT/build/seeds.html" \
  --title "Five seed articles, May 2024"
python3 "$ROOT/viewer/dev/check_page.py" "$ROOT/build/seeds.html" \
  --size 1400x900 --click-claim "$CLAIM" --screenshot "$ROOT/docs/seeds-map.png"
echo "wrote docs/seeds-map.png"

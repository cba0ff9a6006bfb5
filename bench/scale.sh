#!/usr/bin/env bash
# How an aggregated map's size and memory grow with the corpus: the BBC
# News corpus repeated to 200 MB and 1 GB, mapped by this build (and by
# any other binary given as LABEL=PATH, to compare). See bench/scale.py.
# Usage: bench/scale.sh [--binary before=/path/to/old/geomention] [--mb N ...]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
exec python3 bench/scale.py --binary "now=target/release/geomention" --work target/bench "$@"

#!/usr/bin/env bash
# Fuzzes geomention's readers and parsers with cargo fuzz (libFuzzer).
#
#   bash scripts/fuzz.sh                    # every target, 20 minutes each
#   bash scripts/fuzz.sh 60 quantity        # one target, 60 seconds
#   FUZZ_JOBS=2 bash scripts/fuzz.sh        # two targets at a time
#
# cargo fuzz needs nightly Rust: this script installs it (rustup, minimal
# profile) and cargo-fuzz when they are missing. Only fuzz/ is built with
# nightly; it is a workspace of its own, so the normal build and CI stay on
# stable and never build it.
#
# Targets (fuzz/fuzz_targets/): map_text and map_jsonl (the whole map
# pipeline on arbitrary bytes as a text file, or as JSON Lines), quantity
# (the number and quantity reader), gazetteer_files (every file of a
# gazetteer damaged in turn, then loaded and used), refresh_zip (the zip
# reader of `gazetteer refresh`), eval_gold (eval's gold reader).
#
# Each target runs under nice, one or FUZZ_JOBS at a time (the machine is
# shared), from its corpus in fuzz/corpus/<target>/ (seeded from the
# repository's own files the first time), with overflow checks on. Then the
# corpus is minimized (cargo fuzz cmin, to a set of inputs that covers every
# edge the whole corpus covers), so what is kept in the repository stays
# small. A crash stops its target and leaves the input in
# fuzz/artifacts/<target>/; reproduce it with
#   (cd fuzz && cargo +nightly fuzz run -a -s none <target> artifacts/<target>/<file>)
# The log of each run is in fuzz/logs/<target>.log (libFuzzer's own lines:
# the targets' standard error, where a run reports every bad document, is
# closed), and a line per target (executions, coverage, corpus, crashes) is
# printed at the end.
#
# FUZZ_SANITIZER=address trades about half the speed for AddressSanitizer
# (worth it for unsafe code; geomention has none of its own).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FUZZ="$ROOT/fuzz"
cd "$FUZZ"

EACH="${1:-1200}"
shift || true
ALL=(map_text map_jsonl quantity gazetteer_files refresh_zip eval_gold)
if [ "$#" -gt 0 ]; then TARGETS=("$@"); else TARGETS=("${ALL[@]}"); fi
JOBS="${FUZZ_JOBS:-1}"
SANITIZER="${FUZZ_SANITIZER:-none}"

say() { printf '\n==> %s\n' "$*"; }

if ! rustup toolchain list | grep -q '^nightly'; then
  say "installing nightly Rust (for fuzzing only)"
  rustup toolchain install nightly --profile minimal
fi
if ! cargo +nightly fuzz --help >/dev/null 2>&1; then
  say "installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

max_len() {
  case "$1" in
    gazetteer_files) echo 32768 ;;
    *) echo 4096 ;;
  esac
}

# Seeds: the repository's own files, so that the fuzzer starts from inputs
# that reach deep, not from nothing.
seed() {
  local t="$1" dir="corpus/$1"
  mkdir -p "$dir"
  [ -n "$(ls -A "$dir")" ] && return 0
  python3 - "$t" "$dir" "$ROOT" <<'PY'
import io, json, os, sys, zipfile
target, out, root = sys.argv[1], sys.argv[2], sys.argv[3]
def put(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
articles = []
for sub in ("places", "claims"):
    d = os.path.join(root, "corpus", sub)
    for n in sorted(os.listdir(d)):
        articles.append(open(os.path.join(d, n), encoding="utf-8").read())
if target == "map_text":
    for i, a in enumerate(articles[:6]):
        put(f"article{i}", bytes([i % 16]) + a.encode())
elif target == "map_jsonl":
    for i in range(3):
        lines = [json.dumps({"id": k, "text": a[:3000], "date": "2024-05-17"}, ensure_ascii=i == 0)
                 for k, a in enumerate(articles[i * 4:i * 4 + 4])]
        put(f"records{i}", bytes([i * 2]) + ("\n".join(lines) + "\n").encode())
elif target == "quantity":
    k = 0
    for a in articles:
        for s in a.replace("\n", " ").split(". "):
            if any(u in s for u in (" km", " mi", "kilomet", "miles", "hectare", "acre", "metre", "meter")):
                put(f"sentence{k}", s.encode()); k += 1
elif target == "gazetteer_files":
    for which in range(10):
        put(f"cut{which}", bytes([0x10 | which, 0x00, 0x80]))
        put(f"flip{which}", bytes([0x20 | which]) + (1234).to_bytes(4, "little") + b"\x5a")
        put(f"put{which}", bytes([0x30 | which, 0x00, 0x40]) + b"\t\n\x00{[")
        put(f"sized{which}", bytes([0x60 | which]) + (77).to_bytes(4, "little") + b"\x01")
elif target == "refresh_zip":
    rows = open(os.path.join(root, "tests/fixtures/geonames/cities500.txt"), encoding="utf-8").read()
    for i, method in enumerate((zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED)):
        b = io.BytesIO()
        with zipfile.ZipFile(b, "w", method) as z:
            z.writestr("cities500.txt", "\n".join(rows.splitlines()[:4]) + "\n")
            z.writestr("readme.txt", "cities\n")
        put(f"archive{i}", b.getvalue())
elif target == "eval_gold":
    text = "Shelling hit Kharkiv and Kyiv, far from Lviv."
    tops = []
    for name, lat, lon in (("Kharkiv", 49.98, 36.25), ("Kyiv", 50.45, 30.52), ("Lviv", 49.84, 24.03)):
        s = text.index(name)
        tops.append({"start": s, "end": s + len(name), "name": name, "lat": lat, "lon": lon})
    put("gold0", (json.dumps({"id": 1, "text": text, "toponyms": tops}) + "\n").encode())
    put("gold1", (json.dumps({"id": "b", "text": "Café in Kyiv", "toponyms": [
        {"start": 8, "end": 12, "name": "Kyiv", "lat": 50.45, "lon": 30.52, "geonameid": 703448}]}) + "\n").encode())
PY
}

# The last status line libFuzzer printed: "#N DONE cov: C ft: F corp: K/S ...".
summary() {
  local t="$1" log="logs/$1.log"
  local last crashes
  last="$(grep -E '^#[0-9]+' "$log" | tail -1 || true)"
  crashes="$(ls artifacts/"$t" 2>/dev/null | wc -l)"
  printf '%-16s %s  [crash inputs kept: %s]\n' "$t" "${last:-no status line}" "$crashes"
}

run_one() {
  local t="$1"
  seed "$t"
  mkdir -p logs "artifacts/$t"
  echo "fuzzing $t for ${EACH}s (log: fuzz/logs/$t.log)"
  nice -n 15 cargo +nightly fuzz run -a -s "$SANITIZER" "$t" "corpus/$t" -- \
    -max_total_time="$EACH" -max_len="$(max_len "$t")" -rss_limit_mb=3072 \
    -timeout=30 -print_final_stats=1 -close_fd_mask=2 >"logs/$t.log" 2>&1 || echo "$t: stopped (see fuzz/logs/$t.log)"
  nice -n 15 cargo +nightly fuzz cmin -a -s "$SANITIZER" "$t" "corpus/$t" -- \
    -max_len="$(max_len "$t")" -set_cover_merge=1 -use_counters=0 \
    >"logs/$t.cmin.log" 2>&1 || echo "$t: cmin failed (see fuzz/logs/$t.cmin.log)"
}

say "building the fuzz targets (nightly, fuzz/ only)"
nice -n 15 cargo +nightly fuzz build -a -s "$SANITIZER" >/dev/null

say "fuzzing ${TARGETS[*]}, ${EACH}s each, $JOBS at a time"
running=0
for t in "${TARGETS[@]}"; do
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$JOBS" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait || true

say "results"
for t in "${TARGETS[@]}"; do
  summary "$t"
done
printf 'corpus kept: %s files, %s\n' "$(find corpus -type f | wc -l)" \
  "$(du -sh --apparent-size corpus | cut -f1)"

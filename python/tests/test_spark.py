"""geomention.spark on a real local Spark (local[2]): the same mentions,
claims and places as the command line, whatever the number of partitions;
bad rows reported and the job going on; and examples/spark_map.py under
spark-submit, whose merged map is the command line's, byte for byte."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import pyarrow as pa

from conftest import FULL, ROOT, run_cli, write_jsonl
from geomention import Geoparser, merge

if not FULL:
    pytest.importorskip("pyspark")
from geomention.spark import (  # noqa: E402
    CLAIMS_SCHEMA,
    DOCUMENTS_SCHEMA,
    MENTIONS_SCHEMA,
    PLACES_SCHEMA,
    claims,
    documents,
    errors,
    mentions,
    places,
    write_geojsonseq,
)


@pytest.fixture(scope="module")
def news(tmp_path_factory, corpus, lgl) -> Path:
    """The sample corpus, then 300 LGL articles, as one JSON Lines file."""
    return write_jsonl(tmp_path_factory.mktemp("news") / "news.jsonl", corpus + lgl)


@pytest.fixture(scope="module")
def cli_map(cli, news, tmp_path_factory) -> bytes:
    """`geomention map --jsonl news.jsonl`: the aggregated map."""
    out = tmp_path_factory.mktemp("cli") / "map.geojson"
    run_cli(cli, "map", "--jsonl", str(news), "-q", "-o", str(out))
    return out.read_bytes()


def read(spark, path: Path, partitions: int):
    """`path` read as JSON Lines in `partitions` partitions, in file order:
    Spark splits one file into consecutive byte ranges (at least one per
    core), and coalescing them into one keeps their order."""
    size = path.stat().st_size
    spark.conf.set("spark.sql.files.maxPartitionBytes", str(-(-size // max(partitions, 2))))
    spark.conf.set("spark.sql.files.openCostInBytes", "0")
    df = spark.read.json(str(path), schema="`id` STRING, `text` STRING, `date` STRING")
    if partitions == 1:
        df = df.coalesce(1)
    assert df.rdd.getNumPartitions() == partitions
    return df


def merged_map(spark_df, tmp_path: Path) -> bytes:
    """The aggregated map of `spark_df`'s documents: shards written by
    Spark, merged in part order."""
    shards = tmp_path / "shards"
    write_geojsonseq(documents(spark_df, date_col="date"), str(shards))
    parts = sorted(shards.glob("part-*"))
    merge(parts, tmp_path / "map.geojson")
    return (tmp_path / "map.geojson").read_bytes()


def test_the_declared_schemas_are_the_batches_schemas(spark):
    gp = Geoparser()
    batch = pa.record_batch({"id": ["a"], "text": ["Kharkiv is 30 km from the Russian border."]})
    for ddl, call in [(MENTIONS_SCHEMA, gp.mentions_arrow), (CLAIMS_SCHEMA, gp.claims_arrow),
                      (DOCUMENTS_SCHEMA, gp.map_arrow)]:
        declared = spark.createDataFrame([], ddl).schema
        produced = call(batch).schema
        assert declared.names == produced.names
        kinds = {"string": "StringType()", "int64": "LongType()", "double": "DoubleType()", "bool": "BooleanType()"}
        assert [repr(f.dataType) for f in declared.fields] == [kinds[str(f.type)] for f in produced]
    assert spark.createDataFrame([], PLACES_SCHEMA).schema.names[-1] == "top_documents"


@pytest.mark.parametrize("partitions", [1, 4])
def test_spark_maps_as_the_command_line_whatever_the_partitions(spark, news, cli_map, corpus, lgl, tmp_path, partitions):
    df = read(spark, news, partitions)
    # The shards, merged: the command line's map, byte for byte.
    assert merged_map(df, tmp_path) == cli_map

    # Mentions and claims: what the Python API gives, document by document,
    # in input order.
    gp = Geoparser()
    docs = corpus + lgl
    found = mentions(df, date_col="date").collect()
    expected = [(doc_id, m["start"], m["place_id"], m["confidence"]) for doc_id, text in docs for m in gp.mentions(text)]
    assert [(r.id, r.start, r.place_id, r.confidence) for r in found] == expected
    assert all(r.error is None for r in found)
    stated = claims(df, date_col="date").collect()
    expected = [(doc_id, c["start"], c["verdict"], c["measured_km"]) for doc_id, text in docs
                for c in gp.claims(text, id=doc_id)]
    assert [(r.id, r.start, r.verdict, r.measured_km) for r in stated] == expected

    # Places: the aggregated map's counts and dates.
    features = json.loads(cli_map)["features"]
    want = {
        f["properties"]["place_id"]: f["properties"]
        for f in features
        if f["properties"]["type"] == "place"
    }
    got = {r.place_id: r for r in places(mentions(df, date_col="date")).collect()}
    assert got.keys() == want.keys()
    for place_id, p in want.items():
        r = got[place_id]
        assert (r.name, r.kind, r.country) == (p["name"], p["kind"], p["country"])
        assert (r.mention_count, r.document_count) == (p["mention_count"], p["document_count"]), place_id
        assert (r.first_date, r.last_date) == (p["first_date"], p["last_date"]), place_id
        assert (r.confidence, r.outlier) == (p["confidence"], p["outlier"]), place_id
        assert len(r.top_documents) == min(10, p["document_count"])
        counts = [d.mentions for d in r.top_documents]
        assert counts == sorted(counts, reverse=True)


def test_places_are_the_same_for_one_and_four_partitions(spark, news):
    one = places(mentions(read(spark, news, 1))).collect()
    four = places(mentions(read(spark, news, 4))).collect()
    assert one == four and len(one) > 500


def test_bad_rows_go_to_the_error_column_and_the_job_goes_on(spark):
    rows = [
        ("ok", "Shelling hit Kharkiv.", "2024-05-17"),
        ("no text", None, None),
        ("blank", "   ", None),
        (None, "Kyiv", None),
        ("also ok", "Kyiv and Lviv.", "not a date"),
    ]
    df = spark.createDataFrame(rows, "id STRING, text STRING, date STRING")
    m = mentions(df, date_col="date")
    assert [(r.id, r.error) for r in errors(m).collect()] == [
        ("no text", 'column "text" is null'),
        ("blank", "empty text"),
        (None, 'column "id" is null'),
    ]
    mapped = [(r.id, r.date, r.name) for r in m.where("error IS NULL").collect()]
    assert mapped == [("ok", "2024-05-17", "Kharkiv"), ("also ok", None, "Kyiv"), ("also ok", None, "Lviv")]
    # Text that is not text, and bytes that are not UTF-8.
    df = spark.createDataFrame([(1, 5), (2, None)], "id BIGINT, text INT")
    assert [(r.id, r.error) for r in errors(documents(df)).collect()] == [
        ("1", 'column "text" holds Int32, not text'),
        ("2", 'column "text" is null'),
    ]
    df = spark.createDataFrame([("a", bytearray(b"Kyiv \xe9")), ("b", bytearray("Київ".encode()))], "id STRING, text BINARY")
    d = documents(df).collect()
    assert d[0].error == 'column "text" is not UTF-8 (invalid byte at offset 5)'
    assert d[1].error is None and d[1].features == 1


def test_dates_and_timestamps_are_read_as_dates(spark):
    df = spark.sql(
        "SELECT 'a' AS id, 'Shelling hit Kharkiv.' AS text, DATE'2024-05-17' AS day, "
        "TIMESTAMP'2024-05-18 23:30:00' AS at"
    )
    assert mentions(df, date_col="day").first().date == "2024-05-17"
    assert mentions(df, date_col="at").first().date == "2024-05-18"


def spark_submit() -> str:
    found = shutil.which("spark-submit") or str(Path(sys.executable).parent / "spark-submit")
    assert Path(found).exists(), "spark-submit (installed with pyspark) is missing"
    return found


def test_the_example_writes_shards_and_the_command_lines_map(news, cli_map, tmp_path):
    out = tmp_path / "out"
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable, PYSPARK_DRIVER_PYTHON=sys.executable)
    done = subprocess.run(
        [spark_submit(), "--master", "local[2]", "--conf", "spark.ui.enabled=false",
         "--conf", "spark.sql.files.maxPartitionBytes=300000", "--conf", "spark.sql.files.openCostInBytes=0",
         str(ROOT / "examples" / "spark_map.py"), "--input", str(news), "--output", str(out)],
        capture_output=True, text=True, env=env,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    parts = sorted(p.name for p in (out / "shards").glob("part-*"))
    assert len(parts) >= 3 and parts[0] == "part-00000.geojsons"
    assert (out / "map.geojson").read_bytes() == cli_map
    assert not (out / "errors").exists()


def test_the_example_lists_bad_rows_and_exits_1(news, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(news.read_text(encoding="utf-8").split("\n", 1)[0] + '\n{"id": "x", "text": ""}\nnot json\n',
                   encoding="utf-8")
    out = tmp_path / "out"
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable, PYSPARK_DRIVER_PYTHON=sys.executable)
    done = subprocess.run(
        [spark_submit(), "--master", "local[1]", "--conf", "spark.ui.enabled=false",
         str(ROOT / "examples" / "spark_map.py"), "--input", str(bad), "--output", str(out)],
        capture_output=True, text=True, env=env,
    )
    assert done.returncode == 1, done.stderr[-3000:]
    # spark-submit passes on what the driver prints on standard output.
    said = done.stdout.splitlines()
    assert "x: empty text" in said and "2 rows could not be mapped: see " + str(out / "errors") in said, said
    listed = [json.loads(line) for f in (out / "errors").glob("part-*") for line in f.read_text().splitlines()]
    assert sorted(r.get("error") for r in listed) == ['column "id" is null', "empty text"]
    assert (out / "map.geojson").exists()

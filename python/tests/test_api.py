"""The Python API against the command line: the same mentions, claims and
features, field by field, on the seed articles and the sample corpus; the
record batch calls; merge; bad input; and what a notebook user reads."""

import inspect
import json
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pytest

import geomention
from geomention import Geoparser, merge

from conftest import ROOT, SHARED, documents_of, run_cli, shared, write_jsonl

# Mention fields as a place feature of the map gives them.
MENTION_FIELDS = ("start", "end", "text", "place_id", "name", "kind", "country", "lat", "lon", "confidence")


@pytest.fixture(scope="module")
def gp() -> Geoparser:
    return Geoparser()


def cli_features(cli, directory: Path, tmp_path: Path) -> dict[str, list[dict]]:
    """The features `geomention map DIRECTORY --per-document --mentions all`
    writes, by document id."""
    out = tmp_path / "per-document.geojson"
    run_cli(cli, "map", str(directory), "--per-document", "--mentions", "all", "-q", "-o", str(out))
    by_doc: dict[str, list[dict]] = {}
    for f in json.loads(out.read_text(encoding="utf-8"))["features"]:
        p = f["properties"]
        doc = p["doc"] if p["type"] == "claim" else p["documents"][0]
        by_doc.setdefault(doc, []).append(f)
    return by_doc


def mentions_in(features: list[dict]) -> list[dict]:
    """The mentions of a document's place features, each with its place's
    fields, in text order."""
    found = []
    for f in features:
        p = f["properties"]
        if p["type"] != "place":
            continue
        lon, lat = f["geometry"]["coordinates"]
        for m in p["mentions"]:
            found.append(
                {
                    "start": m["start"],
                    "end": m["end"],
                    "text": m["text"],
                    "place_id": p["place_id"],
                    "name": p["name"],
                    "kind": p["kind"],
                    "country": p["country"],
                    "lat": lat,
                    "lon": lon,
                    "confidence": m["confidence"],
                }
            )
    return sorted(found, key=lambda m: m["start"])


def same_as_the_cli(gp: Geoparser, cli, directory: Path, tmp_path: Path) -> int:
    """Checks mentions(), claims() and map() of every document under
    `directory` against the command line's map of it; returns how many
    mentions were compared."""
    expected = cli_features(cli, directory, tmp_path)
    compared = 0
    for doc_id, text in documents_of(directory):
        features = expected.get(doc_id, [])
        # The document's features, whole.
        assert gp.map(text, id=doc_id, mentions=None) == features, doc_id
        # Its mentions, field by field, and where they are in the text.
        mentions = gp.mentions(text)
        assert [{k: m[k] for k in MENTION_FIELDS} for m in mentions] == mentions_in(features), doc_id
        for m in mentions:
            assert text[m["start"] : m["end"]] == m["text"]
        compared += len(mentions)
        # Its claims: the claim features' properties.
        claims = [f["properties"] for f in features if f["properties"]["type"] == "claim"]
        assert gp.claims(text, id=doc_id) == claims, doc_id
    return compared


def test_the_seed_articles_map_as_the_command_line_maps_them(gp, cli, tmp_path):
    seeds = shared("seeds")
    assert same_as_the_cli(gp, cli, seeds, tmp_path) >= 48


def test_the_sample_corpus_maps_as_the_command_line_maps_it(gp, cli, tmp_path):
    assert same_as_the_cli(gp, cli, ROOT / "corpus", tmp_path) > 100


def test_a_claim_is_found_and_checked(gp):
    text = "Harbin, situated just 500 kilometers from Vladivostok, is a trade hub."
    (claim,) = gp.claims(text, id="a1", date="2024-05-17")
    assert claim["subject_name"] == "Harbin" and claim["reference_name"] == "Vladivostok"
    assert claim["value"] == 500 and claim["unit"] == "km" and claim["qualifier"] == "just"
    assert claim["verdict"] == "consistent" and claim["doc"] == "a1" and claim["date"] == "2024-05-17"


def test_map_gives_the_date_asked_for_else_the_one_the_text_states(gp):
    text = "date 2024-05-17\nShelling hit Kharkiv."
    stated = gp.map(text, id="a")[0]["properties"]
    assert stated["first_date"] == "2024-05-17" and stated["documents"] == ["a"]
    given = gp.map(text, id="a", date="2024-06-01T10:00:00Z")[0]["properties"]
    assert given["first_date"] == "2024-06-01"


def test_offsets_count_code_points(gp):
    text = "Обстріл 🔥 Харкова; Харків і Київ. Shelling hit Kharkiv and Kyiv."
    mentions = gp.mentions(text)
    assert [m["name"] for m in mentions] == ["Kharkiv", "Kyiv", "Kharkiv", "Kyiv"]
    assert mentions[0]["start"] == 19  # characters, not UTF-8 bytes (36) nor UTF-16 units (20)
    for m in mentions:
        assert text[m["start"] : m["end"]] == m["text"]


def test_bad_arguments_are_clear_errors():
    with pytest.raises(ValueError, match="gazetteer /no/such/gazetteer: not a directory"):
        Geoparser("/no/such/gazetteer")
    with pytest.raises(ValueError, match="min_confidence"):
        Geoparser(min_confidence=2)
    with pytest.raises(ValueError, match="17/05/2024"):
        Geoparser().map("Kyiv", date="17/05/2024")
    with pytest.raises(TypeError):
        Geoparser().mentions(b"Kyiv")


def test_a_gazetteer_directory_is_used_and_named(tmp_path):
    directory = tmp_path / "gaz"
    shutil.copytree(ROOT / "gazetteer", directory)
    gp = Geoparser(gazetteer=directory)
    assert gp.gazetteer == str(directory.resolve())
    assert repr(gp) == f'Geoparser(gazetteer="{directory.resolve()}")'
    assert Geoparser().gazetteer == "built-in"
    text = "Shelling hit Kharkiv, 30 km from the Russian border."
    assert gp.mentions(text) == Geoparser().mentions(text)
    broken = tmp_path / "broken"
    shutil.copytree(ROOT / "gazetteer", broken)
    (broken / "places.tsv").write_text("not a place table\n", encoding="utf-8")
    with pytest.raises(ValueError, match="places.tsv"):
        Geoparser(gazetteer=broken)


def test_one_gazetteer_is_loaded_per_process():
    # A fresh interpreter: the first Geoparser loads, the next ones share.
    code = (
        "import time, geomention\n"
        "t = time.perf_counter(); geomention.Geoparser(); first = time.perf_counter() - t\n"
        "t = time.perf_counter()\n"
        "for _ in range(20): geomention.Geoparser()\n"
        "print(first, (time.perf_counter() - t) / 20)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    first, again = map(float, done.stdout.split())
    assert again < first / 20, (first, again)


def test_a_geoparser_is_shared_by_threads(gp, corpus):
    texts = [text for _, text in corpus] * 4
    alone = [gp.mentions(t) for t in texts]
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(gp.mentions, texts)) == alone


def test_the_gil_is_released_while_text_is_mapped(gp, corpus):
    # A text that takes a while to map, on a debug build or a release one.
    text = "\n\n".join(t for _, t in corpus)
    for _ in range(12):
        started = time.perf_counter()
        gp.mentions(text)
        if time.perf_counter() - started > 0.3:
            break
        text = text + "\n\n" + text
    seen = []
    done = threading.Event()

    def tick():
        # Python code: it runs only while no other thread holds the GIL.
        while not done.is_set():
            seen.append(time.perf_counter())
            time.sleep(0.001)

    ticker = threading.Thread(target=tick)
    ticker.start()
    time.sleep(0.01)
    started = time.perf_counter()
    gp.mentions(text)
    ended = time.perf_counter()
    done.set()
    ticker.join()
    # Held, the GIL would let the ticker run only before and after the
    # call (or once a switch interval, 5 ms, has passed, when the call
    # returns); released, it ticks all through the middle of it.
    middle = [t for t in seen if started + (ended - started) * 0.2 < t < ended - (ended - started) * 0.2]
    assert ended - started > 0.1, "the text maps too fast to tell"
    assert len(middle) >= 5, (ended - started, len(middle))


# Record batches.


def batch_of(docs, **extra) -> pa.RecordBatch:
    columns = {"id": [d for d, _ in docs], "text": [t for _, t in docs]}
    columns.update(extra)
    return pa.record_batch(columns)


def test_a_record_batch_maps_as_its_documents_one_by_one(gp, corpus):
    batch = batch_of(corpus)
    for threads in (None, 1, 2):
        rows = gp.mentions_arrow(batch, threads=threads).to_pylist()
        expected = [
            {"id": doc_id, **m, "error": None}
            for doc_id, text in corpus
            for m in gp.mentions(text)
        ]
        assert [{k: r[k] for k in expected[0]} for r in rows] == expected
        claims = gp.claims_arrow(batch, threads=threads).to_pylist()
        expected_claims = [c for doc_id, text in corpus for c in gp.claims(text, id=doc_id)]
        assert len(claims) == len(expected_claims) > 10
        for row, claim in zip(claims, expected_claims):
            assert row["id"] == claim["doc"] and row["error"] is None
            for key in row.keys() - {"id", "geometry", "error"}:
                assert row[key] == claim[key], key


def test_a_claims_batch_has_every_property_of_a_claim_feature_but_style(gp, corpus):
    batch = batch_of(corpus)
    columns = set(gp.claims_arrow(batch).schema.names)
    features = [f for doc_id, text in corpus for f in gp.map(text, id=doc_id) if f["properties"]["type"] == "claim"]
    properties = set(features[0]["properties"])
    left_out = {"anchor", "reference", "subject", "type", "fill", "fill-opacity", "stroke", "stroke-opacity",
                "stroke-width", "doc", "date"}
    assert properties - left_out == columns - {"id", "date", "geometry", "error"}
    rows = gp.claims_arrow(batch).to_pylist()
    assert [json.loads(r["geometry"]) if r["geometry"] else None for r in rows] == [f["geometry"] for f in features]


def test_map_arrow_writes_what_geojsonseq_writes(gp, cli, corpus, tmp_path):
    jsonl = write_jsonl(tmp_path / "corpus.jsonl", corpus)
    out = tmp_path / "corpus.geojsons"
    run_cli(cli, "map", "--jsonl", str(jsonl), "-q", "-o", str(out))
    rows = gp.map_arrow(batch_of(corpus)).to_pylist()
    assert "".join(r["geojsonseq"] for r in rows).encode() == out.read_bytes()
    assert sum(r["features"] for r in rows) == out.read_bytes().count(b"\x1e")


@pytest.mark.parametrize("parts", [1, 2, 7])
def test_merged_parts_are_the_map_of_one_run(gp, cli, corpus, tmp_path, parts):
    jsonl = write_jsonl(tmp_path / "corpus.jsonl", corpus)
    whole = tmp_path / "whole.geojson"
    run_cli(cli, "map", "--jsonl", str(jsonl), "-q", "-o", str(whole))
    rows = gp.map_arrow(batch_of(corpus)).to_pylist()
    # Consecutive runs of documents, in order.
    size = -(-len(rows) // parts)
    shards = []
    for k in range(parts):
        shard = tmp_path / f"part-{k:05}.geojsons"
        shard.write_text("".join(r["geojsonseq"] for r in rows[k * size : (k + 1) * size]), encoding="utf-8")
        shards.append(shard)
    merged = tmp_path / "merged.geojson"
    written = merge(shards, merged)
    assert merged.read_bytes() == whole.read_bytes()
    assert written == len(json.loads(whole.read_text(encoding="utf-8"))["features"])


def test_the_seeds_mapped_through_python_pass_the_seed_checker(gp, tmp_path):
    seeds = shared("seeds")
    checker = shared("tools/check_seeds.py")
    rows = gp.map_arrow(batch_of(documents_of(seeds))).to_pylist()
    shard = tmp_path / "seeds.geojsons"
    shard.write_text("".join(r["geojsonseq"] for r in rows), encoding="utf-8")
    merge([shard], tmp_path / "seeds.geojson")
    done = subprocess.run([sys.executable, str(checker), str(tmp_path / "seeds.geojson")], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "claims 5/5" in done.stdout.splitlines()[-1]


def test_bad_rows_are_reported_and_the_rest_mapped(gp):
    batch = pa.record_batch(
        {
            "id": pa.array(["ok", "null", "blank", None, "bytes", "latin1"], pa.string()),
            "text": pa.array(
                [b"Shelling hit Kharkiv.", None, b"  \n", b"Kyiv", "Kyiv і Львів".encode(), "Kyiv \xe9".encode("latin-1")],
                pa.binary(),
            ),
            "date": pa.array(["2024-05-17", "2024-05-18", None, None, "not a date", None]),
        }
    )
    rows = gp.mentions_arrow(batch, date_col="date").to_pylist()
    errors = [(r["id"], r["date"], r["error"]) for r in rows if r["error"]]
    assert errors == [
        ("null", "2024-05-18", 'column "text" is null'),
        ("blank", None, "empty text"),
        (None, None, 'column "id" is null'),
        ("latin1", None, 'column "text" is not UTF-8 (invalid byte at offset 5)'),
    ]
    mapped = [(r["id"], r["date"], r["name"]) for r in rows if not r["error"]]
    assert mapped == [("ok", "2024-05-17", "Kharkiv"), ("bytes", None, "Kyiv"), ("bytes", None, "Lviv")]
    for r in rows:
        if r["error"]:
            assert r["place_id"] is None and r["start"] is None


def test_a_text_column_that_is_not_text_fails_each_row():
    batch = pa.record_batch({"id": pa.array([1, 2], pa.int64()), "text": pa.array([3, None], pa.int32())})
    rows = Geoparser().map_arrow(batch).to_pylist()
    assert [(r["id"], r["error"], r["geojsonseq"]) for r in rows] == [
        ("1", 'column "text" holds Int32, not text', None),
        ("2", 'column "text" is null', None),
    ]


def test_a_missing_column_or_an_unusable_id_fails_the_call(gp):
    batch = pa.record_batch({"id": ["a"], "body": ["Kyiv"]})
    with pytest.raises(KeyError, match='no column "text" in the batch \\(its columns: id, body\\)'):
        gp.mentions_arrow(batch)
    batch = pa.record_batch({"id": [1.5], "text": ["Kyiv"]})
    with pytest.raises(TypeError, match='column "id" holds Float64, not a string or an integer'):
        gp.mentions_arrow(batch)


def test_a_large_column_layout_is_read_too(gp):
    batch = pa.record_batch(
        {"id": pa.array(["a"], pa.large_string()), "text": pa.array(["Kyiv"], pa.large_string()),
         "date": pa.array([19861], pa.date32())}
    )
    (row,) = gp.mentions_arrow(batch, date_col="date").to_pylist()
    assert (row["id"], row["date"], row["name"]) == ("a", "2024-05-18", "Kyiv")


def test_a_timestamp_date_column_gives_its_date(gp):
    # What pyarrow.json makes of {"date": "2024-05-17"}.
    batch = pa.record_batch(
        {"id": ["a", "b"], "text": ["Kyiv", "Lviv"],
         "date": pa.array([datetime(2024, 5, 17), datetime(2024, 5, 18, 23, 59)], pa.timestamp("s"))}
    )
    assert [r["date"] for r in gp.mentions_arrow(batch, date_col="date").to_pylist()] == ["2024-05-17", "2024-05-18"]


# What a notebook user reads.


def test_help_documents_every_call():
    for name in ("mentions", "claims", "map", "mentions_arrow", "claims_arrow", "map_arrow"):
        method = getattr(Geoparser, name)
        assert method.__doc__ and len(method.__doc__) > 100, name
        assert inspect.signature(method).parameters, name
    assert "gazetteer" in Geoparser.__doc__ and "GIL" in Geoparser.__doc__
    assert inspect.signature(Geoparser.map).parameters["mentions"].default == geomention.DEFAULT_LISTED
    assert inspect.signature(geomention.merge).parameters["mentions"].default == geomention.DEFAULT_LISTED
    assert "merge" in geomention.merge.__doc__


def test_the_package_is_typed():
    package = Path(geomention.__file__).parent
    assert (package / "py.typed").is_file()
    stub = (package / "_native.pyi").read_text(encoding="utf-8")
    for name in ("class Geoparser", "def mentions", "def claims", "def map_arrow", "def merge"):
        assert name in stub

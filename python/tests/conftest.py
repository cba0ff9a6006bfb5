"""What the Python tests share: the repository's paths, the `geomention`
binary they compare with, the data kept beside the repository (../shared),
and one Spark session for the whole run.

Like the Rust tests (tests/it/util.rs), a test that needs something absent
skips visibly, unless CI or GEOMENTION_FULL_TESTS asks for every test to
run: then it fails. ../shared (the seed articles, LGL) is data beside the
repository: a test that needs it skips when it is not there, in CI too.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
FULL = any(os.environ.get(v) for v in ("CI", "GEOMENTION_FULL_TESTS"))


def require(what: str, found: bool) -> None:
    """Skips (or, with CI or GEOMENTION_FULL_TESTS, fails) the test when
    `what` is not there."""
    if found:
        return
    if FULL:
        pytest.fail(f"{what} is missing, and CI or GEOMENTION_FULL_TESTS asks for every test to run")
    pytest.skip(f"{what} is missing")


def shared(name: str) -> Path:
    """`name` in ../shared; skips the test when it is not there."""
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"needs ../shared/{name} beside the repository")
    return path


@pytest.fixture(scope="session")
def cli() -> Path:
    """The `geomention` binary of this checkout: $GEOMENTION_BIN, else the
    one in the target directory."""
    named = os.environ.get("GEOMENTION_BIN")
    candidates = [Path(named)] if named else []
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    candidates += [target / "release" / "geomention", target / "debug" / "geomention"]
    found = next((c for c in candidates if c.is_file()), None)
    require("the geomention binary (cargo build; or set GEOMENTION_BIN)", found is not None)
    return found


def run_cli(cli: Path, *args: str) -> subprocess.CompletedProcess:
    """Runs `geomention ARGS`, which must succeed."""
    done = subprocess.run([str(cli), *args], capture_output=True, text=True)
    assert done.returncode == 0, f"geomention {' '.join(args)}: {done.returncode}\n{done.stderr}"
    return done


def documents_of(directory: Path) -> list[tuple[str, str]]:
    """(id, text) of every .txt and .md file under `directory`, in the
    order and with the ids `geomention map DIRECTORY` gives them."""
    files = [p for p in directory.rglob("*") if p.suffix.lower() in (".txt", ".md") and p.is_file()]
    # Component by component, as the batch reader walks directories.
    files.sort(key=lambda p: p.relative_to(directory).parts)
    return [(p.relative_to(directory).as_posix(), p.read_text(encoding="utf-8")) for p in files]


def write_jsonl(path: Path, docs: list[tuple[str, str]]) -> Path:
    """Writes `docs` as JSON Lines records {"id", "text"}."""
    with open(path, "w", encoding="utf-8") as out:
        for doc_id, text in docs:
            out.write(json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n")
    return path


@pytest.fixture(scope="session")
def corpus() -> list[tuple[str, str]]:
    """The sample corpus (corpus/), as `geomention map corpus/` reads it."""
    return documents_of(ROOT / "corpus")


@pytest.fixture(scope="session")
def lgl() -> list[tuple[str, str]]:
    """The first 300 articles of LGL (../shared/eval/lgl.jsonl)."""
    path = shared("eval/lgl.jsonl")
    with open(path, encoding="utf-8") as f:
        records = [json.loads(line) for line, _ in zip(f, range(300))]
    return [(r["id"], r["text"]) for r in records]


@pytest.fixture(scope="session")
def spark():
    """One local Spark session with two cores for every Spark test."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        require("pyspark", False)
    require("java (a Java runtime for Spark)", shutil.which("java") is not None)
    # The workers run this interpreter, which has geomention installed.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("geomention-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    yield session
    session.stop()

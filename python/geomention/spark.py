"""geomention on Apache Spark DataFrames.

Built on PySpark's public API alone: ``DataFrame.mapInArrow`` hands each
task's rows to the Rust library as Arrow record batches and takes record
batches back (no Python object per row), ``groupBy`` and window functions
aggregate. Each Python worker loads the gazetteer once and keeps it for
every task it runs.

    from geomention.spark import mentions, claims, places, documents, write_geojsonseq

    news = spark.read.json("s3://news/*.jsonl")
    m = mentions(news, text_col="text", id_col="id", date_col="date")
    places(m).write.parquet("places.parquet")

Every function maps a document exactly as ``geomention map --jsonl`` maps a
record with the same id, text and date. The text column may hold strings
or UTF-8 bytes; the id column strings or whole numbers (other types are
cast to strings); the date column ``YYYY-MM-DD`` strings (or timestamps
starting with one), dates or timestamps (cast to strings in the session's
time zone); without a date column, a document's date is the one its first
lines state ("date 2024-05-17").

Bad rows do not stop a job: a row whose text is null, not text, not UTF-8
or empty, or whose id is null, becomes one row with its ``id``, ``date``
and ``error`` (nulls elsewhere); every other row has a null ``error``.
``errors(df)`` lists them.

Results are the same whatever the number of partitions: each document is
mapped on its own, and every function keeps the input's order (none
shuffles but ``places``, whose output is sorted).

Schemas (every column nullable), as Spark DDL:
"""

from typing import Optional

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F
from pyspark.sql import types as T

#: ``mentions()``: one row per place mention, in input order and text order
#: within a document. ``id`` and ``date`` are the document's (``date`` as
#: mapped: the date column's, else the one its text states); ``start`` and
#: ``end`` are code-point offsets into its text; the place's ``place_id``
#: (``gn:<geonameid>``), ``name``, ``kind`` (country, region, city, poi),
#: ``country`` (ISO 3166-1 alpha-2), ``lat``/``lon`` (six decimals);
#: ``confidence`` (0-1); ``outlier``: the place is far from every other place
#: of the document.
MENTIONS_SCHEMA = (
    "`id` STRING, `date` STRING, `start` BIGINT, `end` BIGINT, `text` STRING, "
    "`place_id` STRING, `name` STRING, `kind` STRING, `country` STRING, "
    "`lat` DOUBLE, `lon` DOUBLE, `confidence` DOUBLE, `outlier` BOOLEAN, `error` STRING"
)

#: ``claims()``: one row per distance or area a document states, in input
#: order, with the properties of the map's claim features of the same names
#: (README, "The map's properties") and ``geometry``, the feature's GeoJSON
#: geometry as text (null when there is nothing to draw).
CLAIMS_SCHEMA = (
    "`id` STRING, `date` STRING, `start` BIGINT, `end` BIGINT, `text` STRING, "
    "`claim` STRING, `value` DOUBLE, `value_max` DOUBLE, `unit` STRING, "
    "`qualifier` STRING, `qualifier_text` STRING, `bearing` STRING, `bearing_deg` DOUBLE, "
    "`subject_name` STRING, `subject_place_id` STRING, "
    "`reference_name` STRING, `reference_place_id` STRING, `border_of` STRING, "
    "`anchor_name` STRING, `anchor_place_id` STRING, "
    "`value_km` DOUBLE, `value_max_km` DOUBLE, `value_km2` DOUBLE, `value_max_km2` DOUBLE, "
    "`measured_km` DOUBLE, `measured_bearing_deg` DOUBLE, `difference_km` DOUBLE, "
    "`tolerance_km` DOUBLE, `verdict` STRING, `verdict_reason` STRING, "
    "`illustrative` BOOLEAN, `radius_km` DOUBLE, `title` STRING, `snippet` STRING, "
    "`geometry` STRING, `error` STRING"
)

#: ``documents()``: one row per input row, in input order: how many
#: ``features`` the document has and ``geojsonseq``, those features as
#: ``geomention map --format geojsonseq`` writes them (each one RS, the
#: feature's JSON, LF).
DOCUMENTS_SCHEMA = "`id` STRING, `date` STRING, `features` BIGINT, `geojsonseq` STRING, `error` STRING"

#: ``places()``: one row per place, the most mentioned first (then by
#: ``place_id``). ``mention_count``, ``document_count`` (documents counted
#: by id), ``first_date``, ``last_date``, ``confidence`` (the highest of its
#: mentions) and ``outlier`` (every mention is an outlier) are what the
#: aggregated map of ``geomention map`` says of the place, given unique
#: ids. ``top_documents``: the documents that mention it most, most first,
#: ties by id, at most ``top``.
PLACES_SCHEMA = (
    "`place_id` STRING, `name` STRING, `kind` STRING, `country` STRING, "
    "`lat` DOUBLE, `lon` DOUBLE, `mention_count` BIGINT, `document_count` BIGINT, "
    "`first_date` STRING, `last_date` STRING, `confidence` DOUBLE, `outlier` BOOLEAN, "
    "`top_documents` ARRAY<STRUCT<`id`: STRING, `mentions`: BIGINT>>"
)

__doc__ += "".join(
    f"\n{name}:\n    {schema}\n"
    for name, schema in [
        ("mentions()", MENTIONS_SCHEMA),
        ("claims()", CLAIMS_SCHEMA),
        ("documents()", DOCUMENTS_SCHEMA),
        ("places()", PLACES_SCHEMA),
    ]
)

__all__ = [
    "CLAIMS_SCHEMA",
    "DOCUMENTS_SCHEMA",
    "MENTIONS_SCHEMA",
    "PLACES_SCHEMA",
    "claims",
    "documents",
    "errors",
    "mentions",
    "places",
    "write_geojsonseq",
]


def mentions(
    df: DataFrame,
    text_col: str = "text",
    id_col: str = "id",
    date_col: Optional[str] = None,
    *,
    gazetteer: Optional[str] = None,
    min_confidence: float = 0.05,
) -> DataFrame:
    """The place mentions of every document of ``df``: one row per mention
    (MENTIONS_SCHEMA), one per bad row.

    text_col, id_col, date_col: the columns holding each document's text,
    id and date (None: the date its text states).
    gazetteer: a gazetteer directory present on every executor (None: the
    one ``geomention map`` would use there, by default the built-in one).
    min_confidence: mentions resolved with less confidence are dropped.
    """
    return _map(df, "mentions_arrow", MENTIONS_SCHEMA, text_col, id_col, date_col, gazetteer, min_confidence)


def claims(
    df: DataFrame,
    text_col: str = "text",
    id_col: str = "id",
    date_col: Optional[str] = None,
    *,
    gazetteer: Optional[str] = None,
    min_confidence: float = 0.05,
) -> DataFrame:
    """The distances and areas every document of ``df`` states, checked
    against the map: one row per claim (CLAIMS_SCHEMA), one per bad row.
    Arguments as in ``mentions()``."""
    return _map(df, "claims_arrow", CLAIMS_SCHEMA, text_col, id_col, date_col, gazetteer, min_confidence)


def documents(
    df: DataFrame,
    text_col: str = "text",
    id_col: str = "id",
    date_col: Optional[str] = None,
    *,
    gazetteer: Optional[str] = None,
    min_confidence: float = 0.05,
    mentions: Optional[int] = 50,
) -> DataFrame:
    """The GeoJSON features of every document of ``df``: one row per row,
    in input order (DOCUMENTS_SCHEMA). ``write_geojsonseq()`` writes them as
    shards that ``geomention merge`` (or ``geomention.merge``) turns into
    the map one ``geomention map`` run would write.

    mentions: how many mentions each place lists (None: all); the counts
    are exact either way. Other arguments as in ``mentions()``.
    """
    return _map(
        df, "map_arrow", DOCUMENTS_SCHEMA, text_col, id_col, date_col, gazetteer, min_confidence, mentions=mentions
    )


def write_geojsonseq(docs: DataFrame, path: str, mode: str = "errorifexists") -> None:
    """Writes the features of every mapped document of ``docs`` (from
    ``documents()``) under ``path`` as Spark text part files, in order:
    ``part-00000-…`` holds the first partition's documents, and so on.

    Each part is a GeoJSON text sequence (RFC 8142). Taken in part order
    they are what ``geomention map --format geojsonseq`` writes for the same
    documents in the same order, and ``geomention merge PARTS -o
    map.geojson`` makes them the aggregated map that command writes. Bad
    rows and documents without a feature write nothing.
    """
    # Spark's text writer ends every row with LF (and refuses an empty
    # separator); a document's sequence already ends with one, its last
    # byte, which is cut off here as bytes. The string functions walk every
    # character: `substr` counts them, and `trim(TRAILING ...)` first
    # records each one's position in two int arrays as long as the string.
    # On the benchmark's 50 MB (500 MB of features) the job took 6.0 and
    # 7.6 s with trim and 4.6 and 5.0 s with this cut, writing the same bytes.
    body = F.expr("cast(substr(cast(geojsonseq AS BINARY), 1, octet_length(geojsonseq) - 1) AS STRING)")
    mapped = F.col("error").isNull() & (F.col("features") > 0)
    docs.where(mapped).select(body.alias("value")).write.mode(mode).text(path)


def errors(df: DataFrame) -> DataFrame:
    """The rows of a result of this module that could not be mapped: their
    ``id``, ``date`` and ``error``."""
    return df.where(F.col("error").isNotNull()).select("id", "date", "error")


def places(m: DataFrame, top: int = 10) -> DataFrame:
    """The places of a ``mentions()`` result, aggregated over its documents
    (PLACES_SCHEMA): one row per place, the most mentioned first.

    Counts and dates are exact, and the same as the aggregated map of
    ``geomention map`` over the same documents when their ids are unique
    (documents are counted by id). ``top_documents`` lists the ``top``
    documents that mention the place most (ties by id): unlike the map's
    ``documents`` (the first ones in input order), they do not depend on
    how the input was ordered or partitioned.
    """
    found = m.where(F.col("error").isNull())
    per_document = found.groupBy("place_id", "id").agg(F.count(F.lit(1)).alias("mentions"))
    most = Window.partitionBy("place_id").orderBy(F.desc("mentions"), F.asc("id"))
    ranked = per_document.withColumn("rank", F.row_number().over(most)).where(F.col("rank") <= top)
    top_documents = ranked.groupBy("place_id").agg(
        # Sorted by rank (the first field), then the rank dropped.
        F.sort_array(F.collect_list(F.struct("rank", "id", "mentions"))).alias("ranked")
    )
    top_documents = top_documents.select(
        "place_id",
        F.transform("ranked", lambda r: F.struct(r["id"].alias("id"), r["mentions"].alias("mentions"))).alias(
            "top_documents"
        ),
    )
    aggregated = found.groupBy("place_id").agg(
        # Every mention of a place carries the same facts of it.
        F.min("name").alias("name"),
        F.min("kind").alias("kind"),
        F.min("country").alias("country"),
        F.min("lat").alias("lat"),
        F.min("lon").alias("lon"),
        F.count(F.lit(1)).alias("mention_count"),
        F.countDistinct("id").alias("document_count"),
        F.min("date").alias("first_date"),
        F.max("date").alias("last_date"),
        F.max("confidence").alias("confidence"),
        F.expr("bool_and(outlier)").alias("outlier"),
    )
    joined = aggregated.join(top_documents, "place_id")
    ordered = joined.orderBy(F.desc("mention_count"), F.asc("place_id"))
    return ordered.select(
        "place_id",
        "name",
        "kind",
        "country",
        "lat",
        "lon",
        "mention_count",
        "document_count",
        "first_date",
        "last_date",
        "confidence",
        "outlier",
        "top_documents",
    )


def _map(
    df: DataFrame,
    method: str,
    schema: str,
    text_col: str,
    id_col: str,
    date_col: Optional[str],
    gazetteer: Optional[str],
    min_confidence: float,
    **options: object,
) -> DataFrame:
    """Runs ``Geoparser.<method>`` on every Arrow batch of ``df``'s text, id
    and date columns, in each partition's order."""
    columns = [_id_column(df, id_col).alias("id"), F.col(text_col).alias("text")]
    if date_col is not None:
        columns.append(_date_column(df, date_col).alias("date"))
    with_date = date_col is not None

    def run(batches):  # runs on the executors
        from geomention import Geoparser

        parser = Geoparser(gazetteer, min_confidence=min_confidence)
        call = getattr(parser, method)
        for batch in batches:
            # One thread: Spark runs one task per core.
            yield call(
                batch, text_col="text", id_col="id", date_col="date" if with_date else None, threads=1, **options
            )

    return df.select(columns).mapInArrow(run, schema)


def _id_column(df: DataFrame, name: str) -> Column:
    """The id column as the library reads it: strings and whole numbers as
    they are, anything else as a string."""
    kind = df.schema[name].dataType
    if isinstance(kind, (T.StringType, T.IntegerType, T.LongType)):
        return F.col(name)
    return F.col(name).cast("string")


def _date_column(df: DataFrame, name: str) -> Column:
    """The date column as the library reads it: strings and dates as they
    are; timestamps (and anything else) as strings, in the session's time
    zone, whose first ten characters are the date."""
    kind = df.schema[name].dataType
    if isinstance(kind, (T.StringType, T.DateType)):
        return F.col(name)
    return F.col(name).cast("string")

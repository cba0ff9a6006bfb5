"""geomention: place mentions, checked distance claims and GeoJSON maps of
news text, from Python and Spark.

    >>> from geomention import Geoparser
    >>> gp = Geoparser()                     # the built-in gazetteer, loaded once per process
    >>> gp.mentions("Shelling hit Kharkiv, 30 km from the Russian border.")[0]["name"]
    'Kharkiv'

- ``Geoparser``: mentions(), claims() and map() of one text, as dicts;
  mentions_arrow(), claims_arrow() and map_arrow() of a whole Arrow record
  batch, one row per document in, a record batch out.
- ``merge``: per-document maps written in parts (GeoJSON text sequences)
  made into the map of one run, as ``geomention merge`` does.
- ``geomention.spark``: the same on Spark DataFrames (needs pyspark).

Everything here maps text exactly as the ``geomention map`` command does,
with the same gazetteer; the GIL is released while text is mapped.
"""

from geomention._native import DEFAULT_LISTED, Geoparser, __version__, merge
from geomention._types import Claim, Feature, Mention

__all__ = ["DEFAULT_LISTED", "Claim", "Feature", "Geoparser", "Mention", "__version__", "merge"]

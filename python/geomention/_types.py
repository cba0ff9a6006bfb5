"""The shapes of what ``Geoparser`` returns, for type checkers and readers.

They are plain dicts at run time; these names only describe them.
"""

from typing import Any, Optional, TypedDict


class Mention(TypedDict):
    """A place mention: ``text[start:end] == mention["text"]``."""

    start: int
    """Code-point offset of the mention's first character."""
    end: int
    """Code-point offset just past its last character."""
    text: str
    """The mention as written."""
    place_id: str
    """The gazetteer's id of the place: ``gn:<geonameid>``, or a slug such as ``rgn:donbas``."""
    name: str
    """The place's preferred English name."""
    kind: str
    """``country``, ``region``, ``city`` or ``poi``."""
    country: Optional[str]
    """ISO 3166-1 alpha-2 code, or None."""
    lat: float
    """Latitude of the place, to six decimals."""
    lon: float
    """Longitude of the place, to six decimals."""
    confidence: float
    """How sure the choice of place is, 0 to 1."""
    outlier: bool
    """The place is far from every other place of the text."""


# A claim: the properties of a claim feature of the map (value, unit,
# qualifier, subject_name, reference_name, measured_km, verdict, ...;
# README, "The map's properties"). Too many keys with hyphens
# ("fill-opacity") for a TypedDict.
Claim = dict[str, Any]

# A GeoJSON feature: {"type": "Feature", "geometry": ..., "properties": ...}.
Feature = dict[str, Any]

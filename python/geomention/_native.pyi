"""Type stubs of geomention's extension module (written in Rust)."""

import os
from typing import Any, Optional, Sequence, Union

from geomention._types import Claim, Feature, Mention

__version__: str
DEFAULT_LISTED: int

class Geoparser:
    """Finds, resolves and checks the places and distances of news text,
    exactly as ``geomention map`` does. See ``help(Geoparser)``."""

    def __init__(
        self,
        gazetteer: Union[str, "os.PathLike[str]", None] = None,
        *,
        min_confidence: float = 0.05,
    ) -> None: ...
    @property
    def gazetteer(self) -> str:
        """Where the gazetteer in use came from: its directory, or "built-in"."""
    def mentions(self, text: str) -> list[Mention]: ...
    def claims(self, text: str, *, id: str = "", date: Optional[str] = None) -> list[Claim]: ...
    def map(
        self,
        text: str,
        *,
        id: str = "",
        date: Optional[str] = None,
        mentions: Optional[int] = 50,
    ) -> list[Feature]: ...
    def mentions_arrow(
        self,
        batch: Any,
        *,
        text_col: str = "text",
        id_col: str = "id",
        date_col: Optional[str] = None,
        threads: Optional[int] = None,
    ) -> Any:
        """A pyarrow.RecordBatch in, a pyarrow.RecordBatch out."""
    def claims_arrow(
        self,
        batch: Any,
        *,
        text_col: str = "text",
        id_col: str = "id",
        date_col: Optional[str] = None,
        threads: Optional[int] = None,
    ) -> Any:
        """A pyarrow.RecordBatch in, a pyarrow.RecordBatch out."""
    def map_arrow(
        self,
        batch: Any,
        *,
        text_col: str = "text",
        id_col: str = "id",
        date_col: Optional[str] = None,
        threads: Optional[int] = None,
        mentions: Optional[int] = 50,
    ) -> Any:
        """A pyarrow.RecordBatch in, a pyarrow.RecordBatch out."""

def merge(
    maps: Sequence[Union[str, "os.PathLike[str]"]],
    output: Union[str, "os.PathLike[str]"],
    *,
    mentions: Optional[int] = 50,
    per_document: bool = False,
) -> int:
    """Merges maps written in parts into one; returns the features written."""

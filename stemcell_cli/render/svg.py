"""SVG: a standalone forest plot of a pooled outcome; nothing else is drawn."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

from ..errors import UsageError
from .pool_text import svg

if TYPE_CHECKING:
    from ..analysis.outcome import PoolResult

ONLY = "--format svg draws one outcome's forest plot: use it with stemcell pool --measure TEXT"


class SvgRenderer:
    """A forest plot as a standalone SVG document (opens in any browser)."""

    def __init__(self, out: TextIO, fields: Sequence[str] | None = None) -> None:
        self.out = out

    def _refuse(self, *_: Any) -> None:
        raise UsageError(ONLY)

    studies = study = comparison = findings = _refuse

    def pooled(self, result: PoolResult) -> None:
        self.out.write(svg(result))

"""The studies of a pooled result, computed when read (issue 23).

A pooled analysis of 100,000 studies keeps its effects and variances as two arrays and the
few figures its weights need; a :class:`StudyRow` is built only for the study asked for, and
its label fetched from the labels sequence then (which may itself build names on demand).
"""

from __future__ import annotations

import math
import operator
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import overload

from .distributions import Z95

SHOWN_IN_REPR = 3  # rows a repr spells out


@dataclass(slots=True)  # not frozen: thousands are made, and a frozen init is slow
class StudyRow:
    """One study in a pooled analysis: its effect with 95 % CI (on the reporting scale,
    computed when asked) and its weight (percent)."""

    label: str
    yi: float
    vi: float
    weight: float
    ratio: bool = False  # reported exponentiated (RR, OR, HR ...)

    @property
    def estimate(self) -> float:
        return math.exp(self.yi) if self.ratio else self.yi

    @property
    def lower(self) -> float:
        return limits(self.yi, self.vi, self.ratio)[0]

    @property
    def upper(self) -> float:
        return limits(self.yi, self.vi, self.ratio)[1]


def limits(yi: float, vi: float, ratio: bool) -> tuple[float, float]:
    """The 95 % CI of an effect yi with sampling variance vi, on the reporting scale."""
    half = Z95 * math.sqrt(vi)
    if ratio:
        return math.exp(yi - half), math.exp(yi + half)
    return yi - half, yi + half


def as_array(values: Sequence[float]) -> array[float]:
    """values as an ``array('d')``: an array of doubles is kept as it is (not copied)."""
    if isinstance(values, array) and values.typecode == "d":
        return values
    return array("d", values)


class StudyRows(Sequence[StudyRow]):
    """The studies of one pooled result, a :class:`StudyRow` built for each one read.

    Holds the labels (any sequence, read one at a time), the effects ``yi`` and variances
    ``vi`` as arrays (read them directly to avoid building rows), tau² and what the weights
    need: the largest weight m of 1/(vᵢ + tau²) and the total of the scaled weights, so that a
    weight is 100·((1/(vᵢ + tau²))/m)/total, exactly as pooling computed it. Equal to another
    StudyRows or a tuple of rows holding the same rows.
    """

    __slots__ = ("_scale", "_total", "labels", "ratio", "tau2", "vi", "yi")

    def __init__(
        self,
        labels: Sequence[str],
        yi: array[float],
        vi: array[float],
        *,
        tau2: float,
        scale: float,
        total: float,
        ratio: bool,
    ) -> None:
        if not len(labels) == len(yi) == len(vi):
            raise ValueError("effects, variances and labels must have the same length")
        self.labels = labels
        self.yi = yi
        self.vi = vi
        self.tau2 = tau2
        self._scale = scale
        self._total = total
        self.ratio = ratio

    def bounds(self, backwards: bool = False) -> tuple[Iterator[float], Iterator[float]]:
        """Every study's 95 % CI limits (lowers, uppers), as :func:`limits` computes them, from
        the first study or from the last, at C speed (no row built)."""

        def side(way: Callable[[float, float], float]) -> Iterator[float]:
            yi, vi = (reversed(self.yi), reversed(self.vi)) if backwards else (self.yi, self.vi)
            found = map(way, yi, map(operator.mul, repeat(Z95), map(math.sqrt, vi)))
            return map(math.exp, found) if self.ratio else found

        return side(operator.sub), side(operator.add)

    def limits(self, i: int) -> tuple[float, float]:
        """The 95 % CI of study i (as its row gives it, without building the row)."""
        return limits(self.yi[i], self.vi[i], self.ratio)

    def weight(self, vi: float) -> float:
        """The weight (percent) of a study with sampling variance ``vi``."""
        return 100.0 * ((1.0 / (vi + self.tau2)) / self._scale) / self._total

    def __len__(self) -> int:
        return len(self.yi)

    @overload
    def __getitem__(self, index: int) -> StudyRow: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[StudyRow, ...]: ...
    def __getitem__(self, index: int | slice) -> StudyRow | tuple[StudyRow, ...]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(len(self))[index])
        i = range(len(self))[index]  # IndexError when out of range; negative from the end
        y, v = self.yi[i], self.vi[i]
        return StudyRow(self.labels[i], y, v, self.weight(v), self.ratio)

    def __iter__(self) -> Iterator[StudyRow]:
        for label, y, v in zip(self.labels, self.yi, self.vi, strict=True):
            yield StudyRow(label, y, v, self.weight(v), self.ratio)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StudyRows | tuple):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # rows compare by value, like a tuple of them

    def __repr__(self) -> str:
        shown = ", ".join(repr(row) for row in self[:SHOWN_IN_REPR])
        more = len(self) - SHOWN_IN_REPR
        return f"StudyRows({len(self)} studies: {shown}{f', … {more} more' if more > 0 else ''})"

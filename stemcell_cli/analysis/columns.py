"""Contributions held as columns, so that pooling 100,000 studies holds a few dozen bytes a
comparison instead of a few Python objects each.

A :class:`ContributionTable` keeps, per study, its id and title (compressed :class:`Texts`);
per comparison, its study, its *shape* and its figures. A shape is what many comparisons share
(outcome, groups, timepoint, kind of evidence, risk-of-bias facts ...), kept once in a list;
figures live in typed arrays (four counts; or a mean and SD per arm, with the arms' sizes).
Published effects (rare) are kept by row. A :class:`Contributions` is a view of some rows of a
table, in table order: a sequence whose items are :class:`Contribution` objects built when
read, never all at once. Selecting and splitting rows works on the shapes, not on the items.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar, overload

from ..synthesis.lazy import Lazy
from .certainty import StudyFacts
from .texts import Texts

K = TypeVar("K")

Means = tuple[tuple[float, float, int], tuple[float, float, int]]  # (mean, SD, n) per arm


@dataclass(slots=True)  # not frozen: thousands are made, and a frozen init is slow
class Contribution:
    """One study's comparison of one outcome, with what the rating needs: per-arm counts
    (a 2×2 table), or per-arm means, or only published effects (hazard ratios ...), or an
    effect given directly (``--data`` rows of yi, vi)."""

    study_id: str
    title: str
    outcome: str
    key: str
    timepoint: str | None
    groups: tuple[str, str]
    randomized: bool
    human: bool
    facts: StudyFacts
    published: tuple[dict[str, Any], ...] = ()
    counts: tuple[int, int, int, int] | None = None
    means: Means | None = None
    direct: tuple[str, float, float] | None = None  # (measure, yi, vi)
    measured_as: str | None = None  # continuous: final, change or mixed
    secondary: bool = False
    subgroup: str | None = None
    events_are: str | None = None  # harmful or desirable (counts): which side is "favours"
    follow_up: str | None = None  # the study's follow-up, in words ("median 24 months")

    @property
    def table(self) -> tuple[int, int, int, int]:
        """The 2×2 table (counts only)."""
        if self.counts is None:
            raise ValueError(f"{self.study_id}: no counts for {self.outcome}")
        return self.counts

    @property
    def participants(self) -> int | None:
        return participants(self.counts, self.means)


class Figures(NamedTuple):
    """What a comparison's effect is computed from (read without its study's texts)."""

    counts: tuple[int, int, int, int] | None
    means: Means | None
    direct: tuple[str, float, float] | None
    published: tuple[dict[str, Any], ...]

    @property
    def participants(self) -> int | None:
        return participants(self.counts, self.means)


def participants(counts: tuple[int, int, int, int] | None, means: Means | None) -> int | None:
    """People in both arms (None when the arms' sizes are not given)."""
    if counts:
        return counts[1] + counts[3]
    if means:
        return means[0][2] + means[1][2]
    return None


class Shape(NamedTuple):
    """What a comparison shares with others: everything but its study and its figures."""

    outcome: str
    key: str
    timepoint: str | None
    groups: tuple[str, str]
    randomized: bool
    human: bool
    facts: StudyFacts
    kind: str | None  # "counts", "means", or None (published effects, or an effect given)
    measured_as: str | None = None
    secondary: bool = False
    events_are: str | None = None
    follow_up: str | None = None
    subgroup: str | None = None


@dataclass(frozen=True, slots=True)
class LeftOut:
    """A study (or one comparison of it) not in a body of evidence, and why."""

    study_id: str
    reason: str


class LeftOuts(Sequence[LeftOut]):
    """Studies left out and why, as columns: the ids compressed, each reason kept once."""

    __slots__ = ("_ids", "_reason_at", "_reasons", "_why")

    def __init__(self, found: Iterable[LeftOut] = ()) -> None:
        self._ids = Texts()
        self._why = array("i")
        self._reasons: list[str] = []
        self._reason_at: dict[str, int] = {}
        self.extend(found)

    def append(self, x: LeftOut) -> None:
        number = self._reason_at.get(x.reason)
        if number is None:
            number = self._reason_at[x.reason] = len(self._reasons)
            self._reasons.append(x.reason)
        self._ids.append(x.study_id)
        self._why.append(number)

    def extend(self, found: Iterable[LeftOut]) -> None:
        for x in found:
            self.append(x)

    def __iadd__(self, found: Iterable[LeftOut]) -> LeftOuts:
        self.extend(found)
        return self

    def __len__(self) -> int:
        return len(self._why)

    @overload
    def __getitem__(self, i: int) -> LeftOut: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[LeftOut]: ...
    def __getitem__(self, i: int | slice) -> LeftOut | Sequence[LeftOut]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return LeftOut(self._ids[i], self._reasons[self._why[i]])

    def __iter__(self) -> Iterator[LeftOut]:
        for i in range(len(self)):
            yield self[i]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(other) == len(self) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"LeftOuts({list(self)!r})"


class ContributionTable:
    """Every comparison gathered, as columns (see the module docstring)."""

    def __init__(self) -> None:
        self.ids = Texts()
        self.titles = Texts()
        self.shapes: list[Shape] = []
        self._shape_at: dict[Shape, int] = {}
        self.study = array("i")  # per row: the study
        self.shape = array("H")  # per row: the shape (2 bytes while there are few)
        self.at = array("i")  # per row: its place among the rows of its kind
        # figures: 2 bytes a value while every one fits (most trials' arms), else 4, else 8
        self.counts = array("H")  # four a counts row: events, total (experimental, comparator)
        self.means = array("d")  # four a means row: mean and SD per arm
        self.sizes = array("H")  # two a means row: n per arm
        self.published: dict[int, tuple[dict[str, Any], ...]] = {}
        self.direct: dict[int, tuple[str, float, float]] = {}

    def add_study(self, study_id: str, title: str) -> int:
        """A new study; its number."""
        self.titles.append(title)
        return self.ids.append(study_id)

    def add(
        self,
        study: int,
        shape: Shape,
        *,
        counts: tuple[int, int, int, int] | None = None,
        means: Means | None = None,
        published: tuple[dict[str, Any], ...] = (),
        direct: tuple[str, float, float] | None = None,
    ) -> None:
        """One comparison of ``study`` (its figures must match ``shape.kind``)."""
        row = len(self.study)
        self.study.append(study)
        number = self._shape_at.get(shape)
        if number is None:
            number = self._shape_at[shape] = len(self.shapes)
            self.shapes.append(shape)
            self.shape = _extended(self.shape, (), room=number)
        self.shape.append(number)
        if counts is not None:
            self.at.append(len(self.counts) // 4)
            self.counts = _extended(self.counts, counts)
        elif means is not None:
            self.at.append(len(self.sizes) // 2)
            (m1, sd1, n1), (m2, sd2, n2) = means
            self.means.extend((m1, sd1, m2, sd2))
            self.sizes = _extended(self.sizes, (n1, n2))
        else:
            self.at.append(-1)
        if published:
            self.published[row] = published
        if direct is not None:
            self.direct[row] = direct

    def figures(self, row: int) -> Figures:
        """The figures of ``row``."""
        kind, at = self.shapes[self.shape[row]].kind, self.at[row]
        counts: tuple[int, int, int, int] | None = None
        means: Means | None = None
        if kind == "counts":
            a, n1, c, n2 = self.counts[4 * at : 4 * at + 4]
            counts = (a, n1, c, n2)
        elif kind == "means":
            m1, sd1, m2, sd2 = self.means[4 * at : 4 * at + 4]
            n1, n2 = self.sizes[2 * at : 2 * at + 2]
            means = ((m1, sd1, n1), (m2, sd2, n2))
        return Figures(counts, means, self.direct.get(row), self.published.get(row, ()))

    def contribution(self, row: int) -> Contribution:
        """The comparison of ``row`` as one object."""
        s = self.shapes[self.shape[row]]
        study = self.study[row]
        counts, means, direct, published = self.figures(row)
        return Contribution(
            self.ids[study],
            self.titles[study],
            s.outcome,
            s.key,
            s.timepoint,
            s.groups,
            s.randomized,
            s.human,
            s.facts,
            published,
            counts,
            means,
            direct,
            s.measured_as,
            s.secondary,
            s.subgroup,
            s.events_are,
            s.follow_up,
        )

    def every(self) -> Contributions:
        """A view of every row."""
        return Contributions(self, range(len(self.study)))


LARGEST = {"H": 2**16 - 1, "i": 2**31 - 1}  # the largest value of an array type
WIDER = {"H": "i", "i": "q"}


def _extended(column: array[int], values: tuple[int, ...], room: int = 0) -> array[int]:
    """``column`` with ``values`` added, in the narrowest integer type that holds them and
    ``room`` (2, 4 or 8 bytes a value)."""
    if room <= LARGEST.get(column.typecode, room):
        size = len(column)
        try:
            column.extend(values)  # the common case: they fit
            return column
        except OverflowError:
            del column[size:]  # those added before the one that does not fit
    largest = max((*values, room))
    while column.typecode in LARGEST and largest > LARGEST[column.typecode]:
        column = array(WIDER[column.typecode], column)
    column.extend(values)
    return column


class Contributions(Sequence[Contribution]):
    """Some rows of a :class:`ContributionTable`, in table order (see the module docstring)."""

    __slots__ = ("rows", "table")

    def __init__(self, table: ContributionTable, rows: Sequence[int]) -> None:
        self.table = table
        self.rows = rows

    @classmethod
    def of(cls, found: Sequence[tuple[str, Shape, dict[str, Any]]]) -> Contributions:
        """A table of (study id, shape, figures) rows, a study per distinct id: for rows given
        directly (``--data``); the catalog's come from :func:`.contributions.gather`."""
        table = ContributionTable()
        studies: dict[str, int] = {}
        for study_id, shape, figures in found:
            if study_id not in studies:
                studies[study_id] = table.add_study(study_id, study_id)
            table.add(studies[study_id], shape, **figures)
        return table.every()

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, i: int) -> Contribution: ...
    @overload
    def __getitem__(self, i: slice) -> Contributions: ...
    def __getitem__(self, i: int | slice) -> Contribution | Contributions:
        if isinstance(i, slice):
            return Contributions(self.table, self.rows[i])
        return self.table.contribution(self.rows[i])

    def __iter__(self) -> Iterator[Contribution]:
        return map(self.table.contribution, self.rows)

    def __repr__(self) -> str:
        return f"<{len(self)} contributions>"

    def __eq__(self, other: object) -> bool:
        """Equal to any sequence of the same contributions."""
        if not isinstance(other, Sequence) or len(other) != len(self):
            return NotImplemented if not isinstance(other, Sequence) else False
        return all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def figures(self) -> Iterator[Figures]:
        """Each row's figures, in order."""
        return map(self.table.figures, self.rows)

    def published(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """(study id, published effect) of each row that gives published effects."""
        table = self.table
        for row in self.rows:
            for effect in table.published.get(row, ()):
                yield table.ids[table.study[row]], effect

    def shapes(self) -> Iterator[Shape]:
        """Each row's shape, in order."""
        shapes, shape = self.table.shapes, self.table.shape
        return (shapes[shape[r]] for r in self.rows)

    def where(self, keep: Callable[[Shape], bool]) -> Contributions:
        """The rows whose shape ``keep`` accepts (decided once a shape)."""
        kept = [keep(s) for s in self.table.shapes]
        if all(kept):
            return self
        shape = self.table.shape
        return Contributions(self.table, array("i", (r for r in self.rows if kept[shape[r]])))

    def split(self, by: Callable[[Shape], K]) -> dict[K, Contributions]:
        """The rows grouped by a value of their shape, groups in order of first row."""
        value = [by(s) for s in self.table.shapes]
        shape = self.table.shape
        if len(found := {value[shape[r]] for r in self.rows}) == 1:
            return {found.pop(): self}
        groups: dict[K, array[int]] = {}
        for r in self.rows:
            groups.setdefault(value[shape[r]], array("i")).append(r)
        return {v: Contributions(self.table, rows) for v, rows in groups.items()}

    def without(self, study_ids: Sequence[str]) -> Contributions:
        """These rows but those of the named studies."""
        if not study_ids:
            return self
        gone = set(study_ids)
        ids, study = self.table.ids, self.table.study
        return Contributions(
            self.table, array("i", (r for r in self.rows if ids[study[r]] not in gone))
        )

    def once_per_study(self) -> tuple[Contributions, list[tuple[str, int]]]:
        """The rows of studies with one row here, and (id, rows) of each study with more."""
        study = self.table.study
        seen = array("i", bytes(4 * len(self.table.ids)))  # rows here, per study
        for r in self.rows:
            seen[study[r]] += 1
        if max(seen, default=0) <= 1:
            return self, []
        once = array("i", (r for r in self.rows if seen[study[r]] == 1))
        more = []
        for r in self.rows:
            n = seen[study[r]]
            if n > 1:
                more.append((self.table.ids[study[r]], n))
                seen[study[r]] = 0  # said once
        return Contributions(self.table, once), more

    @property
    def ids(self) -> Sequence[str]:
        """Each row's study id, read when asked."""
        ids, study = self.table.ids, self.table.study
        return Lazy(self.rows, lambda r: ids[study[r]])

    @property
    def facts(self) -> Sequence[StudyFacts]:
        """Each row's risk-of-bias facts (shared objects)."""
        shapes, shape = self.table.shapes, self.table.shape
        return Lazy(self.rows, lambda r: shapes[shape[r]].facts)

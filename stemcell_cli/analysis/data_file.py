"""``stemcell pool --data FILE``: a table of studies read from CSV or JSON lines, as typed rows.

Conventions:

* the source is a path, or ``-`` for a stream (standard input unless another is given); at
  most ``MAX_BYTES``; UTF-8 (a byte-order mark is ignored);
* the format comes from the file name (``.csv``, ``.tsv``: CSV; ``.jsonl``, ``.ndjson``,
  ``.json``: JSON lines), otherwise from the first non-blank character (``{``: JSON lines,
  anything else: CSV); a CSV's delimiter is the comma, or the tab or semicolon when the
  header has that and no comma;
* columns (names are matched without case or surrounding spaces): ``study`` and exactly
  one layout — ``events_exp,total_exp,events_ctl,total_ctl`` (counts),
  ``mean_exp,sd_exp,n_exp,mean_ctl,sd_ctl,n_ctl`` (continuous),
  ``estimate,lower,upper`` (a published effect with its 95 % CI; the caller names the scale
  and says whether it is a ratio) or ``yi,vi`` (an effect and its sampling variance on the
  analysis scale, as metafor's ``escalc`` writes them) — and optionally ``subgroup``.
  Any other column is an error (a misspelt column is never silently dropped);
* values: counts and group sizes are whole numbers (events 0 … total, totals and n at
  least 1); means, estimates and yi finite numbers; SDs and vi above 0; lower < upper with
  the estimate between them (all above 0 for a ratio); numbers are ASCII decimals
  (``-1.5``, ``2e-3``); JSON lines may give them as numbers or as such strings;
* study names are non-empty and unique; an empty ``subgroup`` means none; blank lines are
  skipped; a table with no rows is an error;
* every error is a :class:`~stemcell_cli.errors.StemcellError` (exit 1) naming the source,
  the line and the column, e.g. ``data.csv: line 4, column sd_exp: '-2' must be above 0``.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

from ..errors import StemcellError
from ..files import read_bounded, size_text
from ..safe import visible

MAX_BYTES = 64 << 20
Layout = Literal["counts", "continuous", "interval", "yivi"]
LAYOUTS: dict[str, tuple[str, ...]] = {
    "counts": ("events_exp", "total_exp", "events_ctl", "total_ctl"),
    "continuous": ("mean_exp", "sd_exp", "n_exp", "mean_ctl", "sd_ctl", "n_ctl"),
    "interval": ("estimate", "lower", "upper"),
    "yivi": ("yi", "vi"),
}
OPTIONAL = ("subgroup",)
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,4})?", re.ASCII)
_WHOLE = re.compile(r"[+-]?\d{1,18}(?:\.0*)?", re.ASCII)
_MAX_NUMBER_CHARS = 64


@dataclass(frozen=True)
class CountsRow:
    """Events and totals per arm (experimental, then comparator)."""

    study: str
    subgroup: str | None
    line: int
    events_exp: int
    total_exp: int
    events_ctl: int
    total_ctl: int


@dataclass(frozen=True)
class ContinuousRow:
    """Mean, SD and n per arm (experimental, then comparator)."""

    study: str
    subgroup: str | None
    line: int
    mean_exp: float
    sd_exp: float
    n_exp: int
    mean_ctl: float
    sd_ctl: float
    n_ctl: int


@dataclass(frozen=True)
class IntervalRow:
    """A published estimate with its 95 % CI, on the scale the caller names."""

    study: str
    subgroup: str | None
    line: int
    estimate: float
    lower: float
    upper: float


@dataclass(frozen=True)
class EffectRow:
    """An effect yi and its sampling variance vi on the analysis scale."""

    study: str
    subgroup: str | None
    line: int
    yi: float
    vi: float


Row = CountsRow | ContinuousRow | IntervalRow | EffectRow
_ROW_TYPES: dict[str, type] = {
    "counts": CountsRow,
    "continuous": ContinuousRow,
    "interval": IntervalRow,
    "yivi": EffectRow,
}


@dataclass(frozen=True)
class DataTable:
    """The rows of one ``--data`` source, all of one layout."""

    source: str
    layout: Layout
    rows: tuple[Row, ...]

    @property
    def has_subgroups(self) -> bool:
        return any(row.subgroup is not None for row in self.rows)


class _JsonNumber(str):
    """A JSON number kept as its text (so 1e999 is reported as written, not as Infinity)."""

    __slots__ = ()


class _Problem(Exception):
    """A bad value; the reader adds the source and the line."""

    def __init__(self, column: str | None, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


def _shown(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    if len(text) > 40:
        text = text[:40] + "…"
    return "'" + visible(text).replace("\n", "\\n") + "'"


def _text_number(column: str, value: str, pattern: re.Pattern[str], what: str) -> float:
    text = value.strip()
    if text == "":
        raise _Problem(column, "is empty")
    if len(text) > _MAX_NUMBER_CHARS or not pattern.fullmatch(text):
        raise _Problem(column, f"{_shown(value)} is not {what}")
    return float(text)


def _number(column: str, value: object) -> float:
    """A finite number from a CSV cell or a JSON value."""
    if isinstance(value, bool) or value is None:
        raise _Problem(column, f"{_shown(value)} is not a number")
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        number = _text_number(column, value, _NUMBER, "a number")
    else:
        raise _Problem(column, f"{_shown(value)} is not a number")
    if not math.isfinite(number):
        raise _Problem(column, f"{_shown(value)} is not a finite number")
    return number


def _whole(column: str, value: object, minimum: int) -> int:
    if isinstance(value, str):
        _text_number(column, value, _WHOLE, "a whole number")
    number = _number(column, value)
    if number != math.floor(number) or abs(number) > 1e15:
        raise _Problem(column, f"{_shown(value)} is not a whole number")
    if number < minimum:
        raise _Problem(column, f"{_shown(value)} must be at least {minimum}")
    return int(number)


def _positive(column: str, value: object) -> float:
    number = _number(column, value)
    if number <= 0:
        raise _Problem(column, f"{_shown(value)} must be above 0")
    return number


def _counts(cells: dict[str, object]) -> dict[str, object]:
    out: dict[str, object] = {}
    for arm in ("exp", "ctl"):
        total = _whole(f"total_{arm}", cells[f"total_{arm}"], 1)
        events = _whole(f"events_{arm}", cells[f"events_{arm}"], 0)
        if events > total:
            raise _Problem(f"events_{arm}", f"{events} events exceed the total {total}")
        out[f"events_{arm}"], out[f"total_{arm}"] = events, total
    return out


def _continuous(cells: dict[str, object]) -> dict[str, object]:
    out: dict[str, object] = {}
    for arm in ("exp", "ctl"):
        out[f"mean_{arm}"] = _number(f"mean_{arm}", cells[f"mean_{arm}"])
        out[f"sd_{arm}"] = _positive(f"sd_{arm}", cells[f"sd_{arm}"])
        out[f"n_{arm}"] = _whole(f"n_{arm}", cells[f"n_{arm}"], 1)
    return out


def _interval(cells: dict[str, object], ratio: bool) -> dict[str, object]:
    estimate = _number("estimate", cells["estimate"])
    lower = _number("lower", cells["lower"])
    upper = _number("upper", cells["upper"])
    if ratio:
        for column, value in (("lower", lower), ("estimate", estimate), ("upper", upper)):
            if value <= 0:
                raise _Problem(column, f"{value:g} must be above 0 for a ratio")
    if not lower < upper:
        raise _Problem("upper", f"{upper:g} must be above the lower limit {lower:g}")
    if not lower <= estimate <= upper:
        raise _Problem("estimate", f"{estimate:g} lies outside its interval {lower:g} to {upper:g}")
    return {"estimate": estimate, "lower": lower, "upper": upper}


def _yivi(cells: dict[str, object]) -> dict[str, object]:
    return {"yi": _number("yi", cells["yi"]), "vi": _positive("vi", cells["vi"])}


def _layout(columns: list[str]) -> Layout:
    """The one layout these column names give, or a _Problem saying what is wrong."""
    if "study" not in columns:
        raise _Problem(None, "no 'study' column")
    known = {"study", *OPTIONAL, *(c for names in LAYOUTS.values() for c in names)}
    unknown = [c for c in columns if c not in known]
    if unknown:
        raise _Problem(unknown[0], f"unknown column; {_LAYOUT_HELP}")
    seen = [c for c in columns if columns.count(c) > 1]
    if seen:
        raise _Problem(seen[0], "appears twice")
    present = [name for name, cols in LAYOUTS.items() if any(c in columns for c in cols)]
    if len(present) != 1:
        what = "no effect columns" if not present else "columns of more than one layout"
        raise _Problem(None, f"{what}; {_LAYOUT_HELP}")
    layout = present[0]
    missing = [c for c in LAYOUTS[layout] if c not in columns]
    if missing:
        raise _Problem(missing[0], f"missing ({', '.join(LAYOUTS[layout])} go together)")
    return layout  # type: ignore[return-value]


_LAYOUT_HELP = "give study and one of: " + "; ".join(",".join(c) for c in LAYOUTS.values())


def _row(layout: Layout, cells: dict[str, object], line: int, ratio: bool) -> Row:
    study = cells.get("study")
    if not isinstance(study, str) or isinstance(study, _JsonNumber) or not study.strip():
        raise _Problem(
            "study", "is empty" if study in (None, "") else f"{_shown(study)} is not a name"
        )
    subgroup = cells.get("subgroup")
    if subgroup is not None and (
        not isinstance(subgroup, str) or isinstance(subgroup, _JsonNumber)
    ):
        raise _Problem("subgroup", f"{_shown(subgroup)} is not a name")
    subgroup = subgroup.strip() if subgroup else None
    for column in LAYOUTS[layout]:
        if cells.get(column) is None:
            raise _Problem(column, "is missing")
    if layout == "counts":
        values = _counts(cells)
    elif layout == "continuous":
        values = _continuous(cells)
    elif layout == "interval":
        values = _interval(cells, ratio)
    else:
        values = _yivi(cells)
    return _ROW_TYPES[layout](study.strip(), subgroup or None, line, **values)


def _error(source: str, line: int | None, problem: _Problem) -> StemcellError:
    where = f"line {line}" if line is not None else ""
    if problem.column is not None:
        column = f"column {visible(problem.column) or repr('')}"
        where = f"{where}, {column}" if where else column
    return StemcellError(f"{source}: {where + ': ' if where else ''}{problem.message}")


def _key(name: object) -> str:
    return str(name).strip().lower()


def _csv_records(text: str) -> tuple[list[str], list[tuple[int, dict[str, object]]]]:
    first = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = ","
    if "," not in first:
        delimiter = "\t" if "\t" in first else ";" if ";" in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    records: list[tuple[int, dict[str, object]]] = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header = [_key(cell) for cell in cells]
                continue
            if len(cells) != len(header):
                raise _CsvShape(reader.line_num, len(cells), len(header))
            records.append((reader.line_num, dict(zip(header, cells, strict=True))))
    except csv.Error as problem:
        raise _CsvShape(reader.line_num, 0, 0, str(problem)) from None
    return header or [], records


class _CsvShape(Exception):
    def __init__(self, line: int, got: int, want: int, message: str = "") -> None:
        super().__init__(message or f"{got} values for {want} columns")
        self.line = line


def _no_constants(name: str) -> float:
    raise ValueError(f"{name} is not a number")


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in pairs:
        name = _key(key)
        if name in out:
            raise _Problem(name, "appears twice")
        out[name] = value
    return out


def _jsonl_records(source: str, text: str) -> list[tuple[int, dict[str, object]]]:
    records = []
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        try:
            value = json.loads(
                line,
                object_pairs_hook=_no_duplicates,
                parse_constant=_no_constants,
                parse_float=_JsonNumber,
                parse_int=_JsonNumber,
            )
        except _Problem as problem:
            raise _error(source, number, problem) from None
        except (ValueError, RecursionError) as problem:
            message = getattr(problem, "msg", None) or str(problem)
            raise _error(source, number, _Problem(None, f"not JSON ({message})")) from None
        if not isinstance(value, dict):
            raise _error(source, number, _Problem(None, "not a JSON object"))
        records.append((number, value))
    return records


def _format(source: str, text: str, fmt: str | None) -> str:
    if fmt is not None:
        if fmt not in ("csv", "jsonl"):
            raise StemcellError(f"unknown data format {fmt!r}: use csv or jsonl")
        return fmt
    suffix = Path(source).suffix.lower() if source != "-" else ""
    if suffix in (".csv", ".tsv"):
        return "csv"
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    return "jsonl" if text.lstrip().startswith("{") else "csv"


def parse_data(
    text: str, *, source: str = "-", fmt: str | None = None, ratio: bool = False
) -> DataTable:
    """Rows from the text of a CSV or JSON-lines table (``source`` names it in errors)."""
    text = text.removeprefix("\ufeff")
    kind = _format(source, text, fmt)
    if kind == "csv":
        try:
            header, records = _csv_records(text)
        except _CsvShape as shape:
            raise StemcellError(f"{source}: line {shape.line}: {shape}") from None
        columns = header
        try:
            layout = _layout(columns) if columns else None
        except _Problem as problem:
            raise _error(source, 1, problem) from None
        layouts = {line: layout for line, _ in records}
    else:
        records = _jsonl_records(source, text)
        layouts = {}
        for line, cells in records:
            try:
                layouts[line] = _layout(list(cells))
            except _Problem as problem:
                raise _error(source, line, problem) from None
    if not records:
        raise StemcellError(f"{source}: no rows (a header and at least one study are needed)")
    first_line, _ = records[0]
    rows: list[Row] = []
    seen: dict[str, int] = {}
    for line, cells in records:
        layout = layouts[line]
        assert layout is not None
        if layout != layouts[first_line]:
            mixed = f"{layout} columns, but line {first_line} has {layouts[first_line]} columns"
            raise _error(source, line, _Problem(None, mixed))
        try:
            row = _row(layout, cells, line, ratio)
        except _Problem as problem:
            raise _error(source, line, problem) from None
        if row.study in seen:
            again = f"{_shown(row.study)} already on line {seen[row.study]}"
            raise _error(source, line, _Problem("study", again))
        seen[row.study] = line
        rows.append(row)
    return DataTable(source, layouts[first_line], tuple(rows))  # type: ignore[arg-type]


def _read_stream(stream: BinaryIO) -> bytes:
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise StemcellError(f"-: larger than {size_text(MAX_BYTES)}; not read")
    return data


def read_data(
    source: str | Path,
    *,
    stream: BinaryIO | None = None,
    fmt: str | None = None,
    ratio: bool = False,
) -> DataTable:
    """Read a ``--data`` table from a path, or from ``stream`` (stdin by default) for ``-``."""
    name = str(source)
    if name == "-":
        data = _read_stream(stream if stream is not None else sys.stdin.buffer)
    else:
        try:
            data = read_bounded(Path(name), MAX_BYTES)
        except OSError as problem:
            raise StemcellError(
                f"{visible(name)}: cannot read: {problem.strerror or problem}"
            ) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as problem:
        raise StemcellError(f"{visible(name)}: not UTF-8 text (byte {problem.start})") from None
    return parse_data(text, source=visible(name), fmt=fmt, ratio=ratio)

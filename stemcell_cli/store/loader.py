"""Read one descriptor file safely and report every problem as ``file:line:col``.

The only way a descriptor is read: size-capped, regular files only, strict UTF-8,
YAML composed by the safe (libyaml when present) loader and then turned into plain
data by this module, so no tag can construct an object, no alias can expand, a
duplicate key is an error, and every value keeps the line it came from.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..files import read_bounded
from ..model import fields as models
from ..model.descriptor import Study
from ..model.registry import NCT_PATTERN
from .problems import Problem

MAX_BYTES = 1 << 20
MAX_DEPTH = 40
MAX_PROBLEMS = 100  # per file; the rest are counted, not listed
EXCERPT = 40

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BOM = b"\xef\xbb\xbf"
_T = "tag:yaml.org,2002:"
_STR, _MAP, _SEQ = _T + "str", _T + "map", _T + "seq"
_KIND_OF = {
    _T + "bool": "a boolean",
    _T + "int": "a number",
    _T + "float": "a number",
    _T + "timestamp": "a date",
    _T + "null": "null (no value)",
}

Loc = tuple[str | int, ...]

# What each pattern of the descriptor asks for, in words (the schema keeps the regex).
PATTERN_WORDS = {
    models.ID_PATTERN: "must be lowercase words joined by hyphens, e.g. my-trial",
    models.DATE_PATTERN: "must be a real date written YYYY-MM-DD (or YYYY-MM, or YYYY), "
    "e.g. 2021-01-20",
    models.URL_PATTERN: "must be a web address starting with https:// or http://",
    models.DOI_PATTERN: "must be a DOI without its https://doi.org/ prefix, e.g. 10.1056/abc123",
    models.PMID_PATTERN: "must be a PubMed id: digits only, e.g. 33087583",
    models.PMCID_PATTERN: "must be a PubMed Central id: PMC and digits, e.g. PMC1234567",
    models.P_VALUE_PATTERN: 'must be a p-value as published, in quotes: "0.002", "<0.001"',
    NCT_PATTERN: "must be a ClinicalTrials.gov id: NCT and 8 digits, e.g. NCT00273364",
}


def read_as(value: Any, tag: str) -> str:
    """What YAML made of a plain scalar: ``the boolean false``, ``the number 668``."""
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {excerpt(repr(value))}"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    return _KIND_OF.get(tag, "something else")


def field_path(loc: Loc) -> str:
    """``('outcomes', 2, 'counts')`` -> ``outcomes[2].counts``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_LEADING_PATH = re.compile(r"^([a-z_]+(?:\[\d+\]|\.[a-z_]+)*): (.*)$", re.DOTALL)


def parse_field_path(text: str) -> Loc:
    """``outcomes[2].counts`` -> ``('outcomes', 2, 'counts')`` (the inverse of field_path)."""
    return tuple(int(part) if part.isdigit() else part for part in re.findall(r"[a-z_]+|\d+", text))


def excerpt(text: str) -> str:
    """A short, single-line, printable excerpt of user input for messages."""
    text = text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"
    return text.encode("unicode_escape").decode("ascii") if not text.isprintable() else text


class _Builder:
    """Turns a composed YAML node tree into plain data, collecting YAML-level problems.

    Positions are not recorded while building (the common case is a valid file); a
    validation error's location is found afterwards by walking the node tree (``find``).
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.root: yaml.Node | None = None
        self.problems: list[Problem] = []
        self.flagged: set[Loc] = set()
        self._seen: set[int] = set()

    def problem(self, node: yaml.Node, loc: Loc, message: str) -> None:
        mark = node.start_mark
        self.flagged.add(loc)
        self.problems.append(
            Problem(self.path, message, mark.line + 1, mark.column + 1, field_path(loc) or None)
        )

    def build(self, node: yaml.Node, loc: Loc = ()) -> Any:
        if id(node) in self._seen:  # an alias: _first_alias refuses these up front
            self.flagged.add(loc)
            return None
        self._seen.add(id(node))
        if len(loc) > MAX_DEPTH:
            self.problem(node, loc, f"nested more than {MAX_DEPTH} levels deep")
            return None
        tag = node.tag
        if tag == _STR:
            return node.value
        if tag == _MAP and isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc)
        if tag == _SEQ:
            return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, loc)
        return self._bad_tag(node, loc)

    def _mapping(self, node: yaml.MappingNode, loc: Loc) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag != _STR:
                self._bad_key(key_node, loc)
                continue
            key = key_node.value
            if key in out or (*loc, key) in self.flagged:
                first = find(node, (key,))[1]
                where = f" (first at line {first.start_mark.line + 1})" if first else ""
                self.problem(key_node, (*loc, key), f"duplicate key '{excerpt(key)}'{where}")
                continue
            out[key] = self.build(value_node, (*loc, key))
        return out

    def _bad_key(self, node: yaml.Node, loc: Loc) -> None:
        if not isinstance(node, yaml.ScalarNode):
            self.problem(node, loc, "a key must be plain text, not a list or mapping")
        elif node.tag == _T + "merge":
            self.problem(node, loc, "merge keys (<<) are not allowed; write the fields out")
        else:
            kind = _KIND_OF.get(node.tag, f"tag {node.tag}")
            self.problem(
                node, loc, f"key '{excerpt(node.value)}' was read by YAML as {kind}; quote it"
            )
        return None

    def _scalar(self, node: yaml.ScalarNode, loc: Loc) -> Any:
        if node.tag == _T + "null":
            return None
        if node.tag not in _CONVERT:
            return self._bad_tag(node, loc)
        try:
            return scalar_value(node)
        except Exception:  # PyYAML's converters raise many kinds on odd explicitly tagged text
            kind = _KIND_OF[node.tag]
            self.problem(node, loc, f"YAML cannot read '{excerpt(node.value)}' as {kind}")
            return None

    def _bad_tag(self, node: yaml.Node, loc: Loc) -> None:
        tag = node.tag.replace(_T, "!!")
        self.problem(node, loc, f"YAML tag '{excerpt(tag)}' is not allowed (plain data only)")
        return None


_SCALARS = yaml.constructor.SafeConstructor()
_CONVERT = {
    _T + "bool": _SCALARS.construct_yaml_bool,
    _T + "int": _SCALARS.construct_yaml_int,
    _T + "float": _SCALARS.construct_yaml_float,
    _T + "timestamp": _SCALARS.construct_yaml_timestamp,
}


def scalar_value(node: yaml.ScalarNode) -> Any:
    """The value YAML gives a plain scalar (bool, int, float, date, or the text itself)."""
    convert = _CONVERT.get(node.tag)
    return convert(node) if convert else (None if node.tag == _T + "null" else node.value)


def find(node: yaml.Node | None, loc: Loc) -> tuple[yaml.Node | None, yaml.Node | None]:
    """(value node, key node) at ``loc`` below ``node``; the first of duplicate keys wins."""
    key_node = None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            pair = next((kv for kv in node.value if kv[0].value == part), None)
            if pair is None:
                return None, None
            key_node, node = pair
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return None, None
            key_node, node = None, node.value[part]
        else:
            return None, None
    return node, key_node


def _yaml_problem(path: str, error: yaml.YAMLError, text: str = "") -> Problem:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    if "expected a single document" in str(error):
        problem = "more than one YAML document (---) in the file; keep one study per file"
    line = text.splitlines()[mark.line] if mark and mark.line < len(text.splitlines()) else ""
    if "\t" in line[: len(line) - len(line.lstrip())]:
        problem = "a tab in the indentation: YAML indents with spaces only; use spaces instead"
    if mark is None:
        return Problem(path, f"YAML syntax error: {problem}")
    return Problem(path, f"YAML syntax error: {problem}", mark.line + 1, mark.column + 1)


def decode(path: str, data: bytes) -> str | Problem:
    """UTF-8 text (a leading BOM is dropped), or a problem naming the first bad byte."""
    start = len(_BOM) if data.startswith(_BOM) else 0
    try:
        return data[start:].decode("utf-8")
    except UnicodeDecodeError as error:
        offset = start + error.start
        line = data.count(b"\n", 0, offset) + 1
        column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
        return Problem(
            path, f"not UTF-8 text: byte 0x{data[offset]:02x} at offset {offset}", line, column
        )


def _first_alias(path: str, text: str) -> Problem | None:
    """The first anchor or alias, found from parser events before any data is built."""
    if "&" not in text and "*" not in text:
        return None
    for event in yaml.parse(text, Loader=_YAML_LOADER):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            mark = event.start_mark
            message = "anchors (&name) and aliases (*name) are not allowed; write the value out"
            if mark is None:
                return Problem(path, message)
            return Problem(path, message, mark.line + 1, mark.column + 1)
    return None


def parse(path: str, text: str) -> tuple[dict[str, Any] | None, _Builder]:
    """Compose YAML text and build plain data; problems are collected on the builder."""
    builder = _Builder(path)
    try:
        alias = _first_alias(path, text)
        if alias is not None:
            builder.problems.append(alias)
            return None, builder
        root = yaml.compose(text, Loader=_YAML_LOADER)
    except yaml.YAMLError as error:
        builder.problems.append(_yaml_problem(path, error, text))
        return None, builder
    if root is None:
        what = "is empty" if not text.strip() else "holds only comments"
        builder.problems.append(Problem(path, f"the file {what}: no descriptor in it"))
        return None, builder
    if not isinstance(root, yaml.MappingNode):
        kind = "a list" if isinstance(root, yaml.SequenceNode) else "a single value"
        builder.problem(root, (), f"the top level is {kind}; a descriptor is a mapping (id: ...)")
        return None, builder
    builder.root = root
    return builder.build(root), builder


def _validation_problems(path: str, error: ValidationError, built: _Builder) -> list[Problem]:
    problems: list[Problem] = []
    for item in error.errors(include_url=False, include_input=True, include_context=True):
        if len(problems) > MAX_PROBLEMS:
            break
        loc: Loc = tuple(item["loc"])
        if any(loc[: i + 1] in built.flagged for i in range(len(loc))):
            continue  # already reported by the YAML stage
        message = item["msg"].removeprefix("Value error, ")
        if not loc and (about := _LEADING_PATH.match(message)):  # a cross-field rule
            loc, message = parse_field_path(about.group(1)), about.group(2)
        node, key_node = find(built.root, loc)
        if item["type"] == "missing":
            message = "required field is missing"
        if item["type"] == "extra_forbidden":
            node = key_node
            message = _unknown_field(loc)
        elif item["type"] == "literal_error" and isinstance(item.get("input"), str):
            allowed = re.findall(r"'([^']*)'", item.get("ctx", {}).get("expected", ""))
            close = difflib.get_close_matches(item["input"], allowed, n=1, cutoff=0.6)
            message += f" — did you mean '{close[0]}'?" if close else ""
        elif item["type"] == "string_too_short" and item.get("input") == "":
            message = "empty: fill it in, or delete the line if the sources do not give it"
        elif item["type"] == "string_pattern_mismatch":
            wanted = PATTERN_WORDS.get(item.get("ctx", {}).get("pattern", ""))
            if wanted:
                message = f"{wanted} (got '{excerpt(str(item.get('input')))}')"
        else:
            message += _hint(item["type"], node)
        cut = loc
        while node is None and cut:
            cut = cut[:-1]
            node = find(built.root, cut)[0]
        node = node or built.root
        mark = node.start_mark if node is not None else None
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        problems.append(Problem(path, message, line, column, field_path(loc) or None))
    return problems


def _unknown_field(loc: Loc) -> str:
    """``unknown field folow_up — did you mean follow_up?``"""
    name = str(loc[-1]) if loc else ""
    close = difflib.get_close_matches(name, _fields_at(loc[:-1]), n=1, cutoff=0.6)
    if close:
        return f"unknown field {excerpt(name)} — did you mean {close[0]}?"
    return "unknown field (not part of the descriptor; see `stemcell schema`)"


def _fields_at(loc: Loc) -> list[str]:
    """The field names allowed in the mapping at ``loc`` of a descriptor."""
    model: Any = Study
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        model = field and _model_in(field.annotation)
        if model is None:
            return []
    return list(model.model_fields)


def _model_in(annotation: Any) -> Any:
    """The descriptor model inside an annotation (``Arm``, ``list[Arm]``, ``Arm | None``)."""
    if isinstance(annotation, type) and issubclass(annotation, models.Model):
        return annotation
    for arg in typing.get_args(annotation):
        if (found := _model_in(arg)) is not None:
            return found
    return None


def _hint(error_type: str, node: yaml.Node | None) -> str:
    """Explain YAML 1.1 surprises: what YAML read, and how to keep the text."""
    if not isinstance(node, yaml.ScalarNode):
        return ""
    if error_type == "string_type" and not node.style and node.tag in _KIND_OF:
        try:
            value = scalar_value(node)
        except Exception:
            return ""
        return (
            f"; YAML read '{excerpt(node.value)}' as {read_as(value, node.tag)}: put it in quotes"
        )
    if error_type in {"int_type", "float_type", "bool_type"} and node.tag == _STR:
        return f"; YAML read '{excerpt(node.value)}' as text"
    return ""


def _capped(path: str, problems: list[Problem]) -> list[Problem]:
    """Problems in file order, at most MAX_PROBLEMS of them plus a count of the rest."""
    problems = sorted(problems, key=lambda p: (p.line or 0, p.column or 0))
    if len(problems) <= MAX_PROBLEMS:
        return problems
    more = len(problems) - MAX_PROBLEMS
    return [*problems[:MAX_PROBLEMS], Problem(path, f"... and {more} more problems in this file")]


def load_study(path: Path, *, expect_id: str | None = None) -> tuple[Study | None, list[Problem]]:
    """Read, parse and validate one descriptor; never raises for bad content."""
    name = str(path)
    try:
        data = read_bounded(path, MAX_BYTES)
        text = decode(name, data)
        if isinstance(text, Problem):
            return None, [text]
        raw, built = parse(name, text)
        if raw is None:
            return None, built.problems
        try:
            study = Study.model_validate(raw)
        except ValidationError as error:
            return None, _capped(name, built.problems + _validation_problems(name, error, built))
    except OSError as error:
        return None, [Problem(name, f"cannot read: {error.strerror or error}")]
    except (ValueError, TypeError, RecursionError, MemoryError) as error:
        return None, [Problem(name, f"cannot read: {type(error).__name__}")]
    if built.problems:
        return None, _capped(name, built.problems)
    if expect_id is not None and study.id != expect_id:
        node = find(built.root, ("id",))[0]
        message = f"id '{study.id}' does not match the file name '{expect_id}.yaml'"
        if node is None:
            return None, [Problem(name, message, field="id")]
        mark = node.start_mark
        return None, [Problem(name, message, mark.line + 1, mark.column + 1, "id")]
    return study, []

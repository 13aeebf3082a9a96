"""The ``--data`` table reader: CSV or JSON lines to typed rows; every error names the line
and the column; nothing but a StemcellError ever comes out of bad input."""

from __future__ import annotations

import csv
import io
import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stemcell_cli.analysis import data_file
from stemcell_cli.analysis.data_file import (
    ContinuousRow,
    CountsRow,
    EffectRow,
    IntervalRow,
    parse_data,
    read_data,
)
from stemcell_cli.errors import StemcellError
from stemcell_cli.synthesis import from_interval, pool, pool_tables

COUNTS = "study,events_exp,total_exp,events_ctl,total_ctl\nA,4,123,11,139\nB,6,306,29,303\n"


def test_counts_csv_gives_typed_rows_in_order():
    table = parse_data(COUNTS, source="bcg.csv")
    assert table.layout == "counts" and not table.has_subgroups
    assert table.rows == (
        CountsRow("A", None, 2, 4, 123, 11, 139),
        CountsRow("B", None, 3, 6, 306, 29, 303),
    )


def test_counts_pool_as_the_same_tables_given_directly():
    table = parse_data(COUNTS)
    tables = [(r.events_exp, r.total_exp, r.events_ctl, r.total_ctl) for r in table.rows]
    direct = pool_tables([(4, 123, 11, 139), (6, 306, 29, 303)], method="DL")
    assert pool_tables(tables, method="DL").beta == direct.beta


def test_continuous_rows_with_subgroups_and_spacing_and_case_in_the_header():
    text = (
        " Study , MEAN_EXP,sd_exp,n_exp,mean_ctl,sd_ctl,n_ctl,Subgroup\n"
        "Edinburgh,55,47,155,75,64,156,stroke unit\n"
        "\n"
        "Umea,21.5,16,110,31,27,183,\n"
    )
    table = parse_data(text, source="normand.csv")
    assert table.layout == "continuous" and table.has_subgroups
    assert table.rows[0] == ContinuousRow("Edinburgh", "stroke unit", 2, 55, 47, 155, 75, 64, 156)
    assert table.rows[1].subgroup is None and table.rows[1].line == 4
    assert table.rows[1].mean_exp == 21.5  # type: ignore[union-attr]


def test_interval_rows_from_json_lines_feed_generic_inverse_variance():
    text = (
        '{"study": "A", "estimate": 0.07, "lower": 0.02, "upper": 0.24}\n'
        '{"study": "B", "estimate": "0.55", "lower": 0.30, "upper": 1.01, "subgroup": "x"}\n'
    )
    table = parse_data(text, source="hr.jsonl", ratio=True)
    assert table.rows == (
        IntervalRow("A", None, 1, 0.07, 0.02, 0.24),
        IntervalRow("B", "x", 2, 0.55, 0.30, 1.01),
    )
    published = [from_interval("HR", r.estimate, r.lower, r.upper) for r in table.rows]  # type: ignore[union-attr]
    res = pool([p.yi for p in published], [p.vi for p in published], measure="HR", method="FE")
    assert 0.07 < res.estimate < 0.55


def test_yi_vi_from_a_stream_with_a_bom_and_tabs():
    raw = "\ufeffstudy\tyi\tvi\nA\t-0.889\t0.326\nB\t-1.59\t0.195\n".encode()
    table = read_data("-", stream=io.BytesIO(raw))
    assert table.source == "-" and table.layout == "yivi"
    assert table.rows[1] == EffectRow("B", None, 3, -1.59, 0.195)


def test_semicolons_and_crlf_line_ends():
    table = parse_data("study;yi;vi\r\nA;1;2\r\n", source="x.csv")
    assert table.rows == (EffectRow("A", None, 2, 1.0, 2.0),)


def test_json_lines_are_recognised_without_a_suffix():
    table = parse_data('{"study": "A", "yi": 1, "vi": 2}\n\n', source="-")
    assert table.rows == (EffectRow("A", None, 1, 1.0, 2.0),)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (COUNTS + "C,12,10,1,10\n", "x.csv: line 4, column events_exp: 12 events exceed the total"),
        (COUNTS + "C,1,0,1,10\n", "line 4, column total_exp: '0' must be at least 1"),
        (COUNTS + "C,1.5,10,1,10\n", "line 4, column events_exp: '1.5' is not a whole number"),
        (COUNTS + "C,١,10,1,10\n", "line 4, column events_exp: '١' is not a whole number"),
        (COUNTS + ",1,10,1,10\n", "line 4, column study: is empty"),
        (COUNTS + "A,1,10,1,10\n", "line 4, column study: 'A' already on line 2"),
        (COUNTS + "C,1,10,,10\n", "line 4, column events_ctl: is empty"),
        (COUNTS + "C,1,10,1\n", "line 4: 4 values for 5 columns"),
        ("study,yi,vi\nA,nan,1\n", "line 2, column yi: 'nan' is not a number"),
        ("study,yi,vi\nA,1_0,1\n", "line 2, column yi: '1_0' is not a number"),
        ("study,yi,vi\nA,1,0\n", "line 2, column vi: '0' must be above 0"),
        ("study,yi,vi\nA,1,1e400\n", "line 2, column vi: '1e400' is not a finite number"),
        ("study,yi,vi,notes\nA,1,1,x\n", "line 1, column notes: unknown column"),
        ("study,yi,vi,yi\nA,1,1,1\n", "line 1, column yi: appears twice"),
        ("yi,vi\n1,1\n", "line 1: no 'study' column"),
        ("study,yi,vi,estimate\nA,1,1,1\n", "columns of more than one layout"),
        ("study,subgroup\nA,b\n", "no effect columns"),
        ("study,mean_exp,sd_exp\nA,1,1\n", "column n_exp: missing (mean_exp, sd_exp, n_exp"),
        ("study,estimate,lower,upper\nA,2,1,1.5\n", "column estimate: 2 lies outside"),
        ("study,estimate,lower,upper\nA,1,2,1.5\n", "column upper: 1.5 must be above the lower"),
        (
            "study,mean_exp,sd_exp,n_exp,mean_ctl,sd_ctl,n_ctl\nA,1,-2,10,2,1,10\n",
            "line 2, column sd_exp: '-2' must be above 0",
        ),
        ("study,yi,vi\n", "no rows"),
        ("", "no rows"),
        ('study,yi,vi\n"A,1,1\n', "line 2: unexpected end of data"),
    ],
)
def test_csv_errors_name_the_line_and_the_column(text, message):
    with pytest.raises(StemcellError, match=None) as caught:
        parse_data(text, source="x.csv")
    assert message in str(caught.value)
    assert caught.value.exit_code == 1


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"study": "B", "yi": NaN, "vi": 1}', "line 2: not JSON (NaN is not a number)"),
        ('{"study": "B", "yi": 1, "YI": 2, "vi": 1}', "line 2, column yi: appears twice"),
        ('["B", 1, 1]', "line 2: not a JSON object"),
        ('{"study": "B", "yi": true, "vi": 1}', "line 2, column yi: 'true' is not a number"),
        ('{"study": "B", "yi": null, "vi": 1}', "line 2, column yi: is missing"),
        ('{"study": 7, "yi": 1, "vi": 1}', "line 2, column study: '7' is not a name"),
        ('{"study": "B", "estimate": 1, "lower": 0, "upper": 2}', "but line 1 has yivi columns"),
        ('{"study": "B", "yi": 1, "vi": 1', "line 2: not JSON"),
        ('{"study": "B", "yi": 1e999, "vi": 1}', "column yi: '1e999' is not a finite number"),
    ],
)
def test_json_lines_errors_name_the_line_and_the_column(line, message):
    text = '{"study": "A", "yi": 1, "vi": 1}\n' + line + "\n"
    with pytest.raises(StemcellError) as caught:
        parse_data(text, source="x.jsonl")
    assert message in str(caught.value)


def test_a_ratio_scale_needs_positive_values():
    text = "study,estimate,lower,upper\nA,0.5,0,0.9\n"
    assert parse_data(text).rows[0].lower == 0.0  # type: ignore[union-attr]
    with pytest.raises(StemcellError, match="line 2, column lower: 0 must be above 0 for a ratio"):
        parse_data(text, ratio=True)


def test_read_errors_are_clear(tmp_path, monkeypatch):
    with pytest.raises(StemcellError, match=r"missing\.csv: cannot read"):
        read_data(tmp_path / "missing.csv")
    with pytest.raises(StemcellError, match="cannot read: is a folder"):
        read_data(tmp_path)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("study,yi,vi\nMüller,1,1\n".encode("latin-1"))
    with pytest.raises(StemcellError, match="not UTF-8 text"):
        read_data(latin)
    monkeypatch.setattr(data_file, "MAX_BYTES", 10)
    with pytest.raises(StemcellError, match="larger than 10 bytes; not read"):
        read_data("-", stream=io.BytesIO(b"study,yi,vi\nA,1,1\n"))
    with pytest.raises(StemcellError, match="larger than 10 bytes"):
        latin.write_text(COUNTS)
        read_data(latin)


def test_an_unknown_format_is_refused():
    with pytest.raises(StemcellError, match="unknown data format 'xlsx'"):
        parse_data(COUNTS, fmt="xlsx")


def test_terminal_escapes_in_an_error_are_shown_escaped():
    with pytest.raises(StemcellError) as caught:
        parse_data("study,yi,vi\nA,\x1b[31m,1\n")
    assert "\x1b" not in str(caught.value) and "\\x1b" in str(caught.value)


names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=12
).filter(lambda s: s.strip() == s and s != "")
finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
positive = st.floats(min_value=1e-6, max_value=1e6, allow_nan=False)
effect_rows = st.lists(
    st.tuples(names, finite, positive, st.one_of(st.none(), names)),
    min_size=1,
    max_size=20,
    unique_by=lambda row: row[0],
)


def _csv_text(rows: list[tuple[str, float, float, str | None]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["study", "yi", "vi", "subgroup"])
    for study, yi, vi, subgroup in rows:
        writer.writerow([study, repr(yi), repr(vi), subgroup or ""])
    return out.getvalue()


@given(effect_rows)
def test_csv_round_trips(rows):
    table = parse_data(_csv_text(rows), source="x.csv")
    assert [(r.study, r.yi, r.vi, r.subgroup) for r in table.rows] == rows  # type: ignore[union-attr]


@given(effect_rows)
def test_json_lines_round_trip(rows):
    text = "".join(
        json.dumps({"study": s, "yi": y, "vi": v} | ({"subgroup": g} if g else {})) + "\n"
        for s, y, v, g in rows
    )
    table = parse_data(text, source="x.jsonl")
    assert [(r.study, r.yi, r.vi, r.subgroup) for r in table.rows] == rows  # type: ignore[union-attr]


@given(
    st.lists(
        st.tuples(
            st.integers(0, 10**6),
            st.integers(1, 10**6),
            st.integers(0, 10**6),
            st.integers(1, 10**6),
        ),
        min_size=1,
        max_size=10,
    )
)
def test_counts_are_accepted_exactly_when_events_fit_the_totals(counts):
    text = "study,events_exp,total_exp,events_ctl,total_ctl\n" + "".join(
        f"S{i},{a},{n1},{c},{n2}\n" for i, (a, n1, c, n2) in enumerate(counts)
    )
    valid = all(a <= n1 and c <= n2 for a, n1, c, n2 in counts)
    try:
        table = parse_data(text, source="x.csv")
    except StemcellError as problem:
        assert not valid
        bad = next(i for i, (a, n1, c, n2) in enumerate(counts) if a > n1 or c > n2)
        assert f"line {bad + 2}, column events_" in str(problem)
        return
    assert (
        valid
        and [(r.events_exp, r.total_exp, r.events_ctl, r.total_ctl) for r in table.rows] == counts
    )  # type: ignore[union-attr]


@settings(max_examples=300)
@given(st.text(max_size=300), st.sampled_from(["x.csv", "x.jsonl", "-"]), st.booleans())
def test_any_text_gives_rows_or_a_stemcell_error(text, source, ratio):
    try:
        table = parse_data(text, source=source, ratio=ratio)
    except StemcellError as problem:
        assert str(problem).startswith(f"{source}: ")
        assert "\n" not in str(problem)
        return
    assert table.rows
    for row in table.rows:
        assert row.study and all(
            math.isfinite(v) for v in vars(row).values() if isinstance(v, float)
        )

"""Two-arm effect measures against metafor's escalc and Newcombe (1998).

Reference figures computed locally with R 4.2.2 and metafor 3.8-1 (Debian r-cran-metafor);
R is not needed to run these tests. The R code and its output:

    for (m in c("RR","OR","RD")) { e <- escalc(measure=m, ai=0, n1i=20, ci=5, n2i=20)
      cat(m, "0/20 vs 5/20:", e$yi, e$vi, "\\n") }
    e <- escalc(measure="RR", ai=20, n1i=20, ci=7, n2i=20); cat(e$yi, e$vi)
    e <- escalc(measure="RR", ai=0, n1i=20, ci=0, n2i=20); cat(e$yi, e$vi)
    s <- summary(escalc(measure="RR", ai=15, n1i=40, ci=30, n2i=42))
    cat(exp(s$yi), exp(s$ci.lb), exp(s$ci.ub))          # and the same for "OR"
    print(escalc(measure="RR", ai=0, n1i=20, ci=0, n2i=20, drop00=TRUE))
    print(escalc(measure="RR", ai=20, n1i=20, ci=20, n2i=20, drop00=TRUE))

    RR 0/20 vs 5/20: -2.397895273 2.086580087
    OR 0/20 vs 5/20: -2.677480135 2.295114799
    RD 0/20 vs 5/20: -0.2380952381 0.01031206133
    RR 20/20 vs 7/20: 1.005521866 0.0868757259
    RR 0/20 vs 0/20 drop00=FALSE: 0 3.904761905
    RR 15/40 vs 30/42: 0.525 0.3369553024 0.8179868309
    OR 15/40 vs 30/42: 0.24 0.09504933578 0.6060010785
    (drop00=TRUE: yi NA, vi NA for both double-zero tables)
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stemcell_cli.synthesis import (
    Table2x2,
    absolute_effects,
    effect,
    escalc,
    number_needed,
    odds_ratio,
    risk_difference,
    risk_ratio,
)

REL = 1e-6


def test_rr_and_or_log_method_match_escalc():
    rr = risk_ratio(15, 40, 30, 42)
    assert (rr.estimate, rr.lower, rr.upper) == pytest.approx((0.525, 0.3369553024, 0.8179868309))
    assert rr.method == "log method, Wald 95% CI"
    assert not rr.corrected
    odds = odds_ratio(15, 40, 30, 42)
    assert (odds.estimate, odds.lower, odds.upper) == pytest.approx(
        (0.24, 0.09504933578, 0.6060010785)
    )


@pytest.mark.parametrize(
    ("measure", "yi", "vi"),
    [
        ("RR", -2.397895273, 2.086580087),
        ("OR", -2.677480135, 2.295114799),
        ("RD", -0.2380952381, 0.01031206133),
    ],
)
def test_one_zero_cell_adds_a_half_to_every_cell_as_escalc(measure, yi, vi):
    got = escalc(measure, Table2x2(0, 20, 5, 20))
    assert got is not None
    assert got.corrected
    assert (got.yi, got.vi) == pytest.approx((yi, vi), rel=REL)


def test_all_events_in_one_arm_is_a_zero_cell_too():
    got = escalc("RR", Table2x2(20, 20, 7, 20))
    assert got is not None and got.corrected
    assert (got.yi, got.vi) == pytest.approx((1.005521866, 0.0868757259), rel=REL)
    rr = risk_ratio(20, 20, 7, 20)
    assert rr.corrected and "1/2" in rr.note
    assert rr.estimate == pytest.approx(math.exp(1.005521866), rel=REL)


@pytest.mark.parametrize("counts", [(0, 20, 0, 20), (20, 20, 20, 20), (0, 5, 0, 10**10)])
@pytest.mark.parametrize("function", [risk_ratio, odds_ratio])
def test_double_zero_tables_are_not_estimable_without_raising(function, counts):
    result = function(*counts)
    assert not result.estimable
    assert result.estimate is None and result.lower is None and result.upper is None
    assert "not estimable" in result.note
    assert escalc("RR", Table2x2(*counts)) is None


def test_double_zero_rd_is_zero_as_escalc_keeps_it():
    # metafor escalc(measure="RD", ai=0, n1i=20, ci=0, n2i=20): yi = 0 (to="only0", add=1/2)
    got = escalc("RD", Table2x2(0, 20, 0, 20))
    assert got is not None and got.yi == 0 and got.vi > 0
    assert risk_difference(0, 20, 0, 20).estimate == 0


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ((5, 4, 1, 10), "events must be between 0 and the total 4"),
        ((1, 10, 11, 10), "comparator arm: events must be between"),
        ((0, 0, 1, 10), "experimental arm: total must be at least 1"),
        ((-1, 10, 1, 10), "events must be between"),
        ((1.5, 10, 1, 10), "whole number"),
        ((True, 10, 1, 10), "whole number"),
    ],
)
def test_invalid_tables_raise_a_clear_value_error(counts, message):
    for function in (risk_ratio, odds_ratio, risk_difference):
        with pytest.raises(ValueError, match=message):
            function(*counts)


# Newcombe RG (1998) Stat Med 17:873-890, Table II, method 10 (score, no continuity
# correction). Figures as quoted in GSK-Biostatistics/cicalc
# tests/testthat/test-prop_ci_diff.R ("Newcombe (score, noCC)"), which cites
# https://www.lexjansen.com/wuss/2016/127_Final_Paper_PDF.pdf reproducing the paper's table.
@pytest.mark.parametrize(
    ("counts", "diff", "lower", "upper"),
    [
        ((56, 70, 48, 80), 0.2, 0.0524, 0.3339),
        ((9, 10, 3, 10), 0.6, 0.1705, 0.8090),
        ((10, 10, 0, 20), 1.0, 0.6791, 1.0),
    ],
)
def test_newcombe_hybrid_score_matches_the_published_examples(counts, diff, lower, upper):
    rd = risk_difference(*counts)
    assert rd.method == "Newcombe hybrid score"
    assert rd.estimate == pytest.approx(diff)
    assert round(rd.lower, 4) == lower
    assert round(rd.upper, 4) == upper


def test_nnt_when_the_rd_ci_excludes_zero():
    # 10/100 vs 30/100 (harmful events): RD -0.2, NNT 5, CI = 1/|RD limits|
    rd = risk_difference(10, 100, 30, 100)
    nnt = number_needed(rd)
    assert nnt.kind == "NNT"
    assert nnt.estimate == pytest.approx(5.0)
    assert nnt.lower == pytest.approx(1 / abs(rd.lower))
    assert nnt.upper == pytest.approx(1 / abs(rd.upper))
    assert nnt.lower < nnt.estimate < nnt.upper
    assert number_needed(risk_difference(30, 100, 10, 100)).kind == "NNH"
    assert number_needed(rd, events_are_harmful=False).kind == "NNH"


def test_nnt_not_estimable_when_the_rd_ci_crosses_zero():
    nnt = number_needed(risk_difference(12, 100, 15, 100))
    assert not nnt.estimable
    assert "crosses no effect" in nnt.note
    with pytest.raises(ValueError, match="risk difference"):
        number_needed(risk_ratio(1, 10, 2, 10))


def test_absolute_effects_per_1000_as_a_summary_of_findings_table():
    rr = risk_ratio(15, 40, 30, 42)
    acr = 30 / 42
    absolute = absolute_effects(acr, rr)
    assert absolute.comparator == pytest.approx(714.2857, rel=1e-6)
    assert absolute.intervention == pytest.approx(acr * 0.525 * 1000)
    assert absolute.lower == pytest.approx(acr * 0.3369553024 * 1000)
    assert absolute.upper == pytest.approx(min(1.0, acr * 0.8179868309) * 1000)
    # the intervention risk is capped at 1,000 per 1,000
    assert absolute_effects(0.9, risk_ratio(9, 10, 2, 10)).upper == 1000
    none = absolute_effects(0.0, risk_ratio(0, 10, 0, 10))
    assert none.intervention is None and none.comparator == 0


def test_dispatch_and_unknown_measure():
    assert effect("OR", 15, 40, 30, 42) == odds_ratio(15, 40, 30, 42)
    with pytest.raises(ValueError, match="unknown measure"):
        effect("HR", 1, 2, 3, 4)  # type: ignore[arg-type]


arms = st.integers(min_value=1, max_value=10**10).flatmap(
    lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))
)


@settings(max_examples=300, deadline=None)
@given(arms, arms)
def test_no_valid_table_raises_or_gives_nan(exp, ctl):
    for function in (risk_ratio, odds_ratio, risk_difference):
        result = function(*exp, *ctl)
        if not result.estimable:
            continue
        values = (result.estimate, result.lower, result.upper)
        assert all(v is not None and math.isfinite(v) for v in values)
        assert result.lower <= result.estimate <= result.upper
    rd = risk_difference(*exp, *ctl)
    assert -1.0 <= rd.lower <= rd.upper <= 1.0
    nnt = number_needed(rd)
    if nnt.estimable:
        assert nnt.lower <= nnt.estimate <= nnt.upper

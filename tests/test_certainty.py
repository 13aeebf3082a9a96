"""GRADE body-of-evidence rating: each rule fires where it should and only there."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from test_synthesis_funnel import EGGER2001, effects
from test_synthesis_pooling import BCG

from stemcell_cli.analysis.certainty import StudyFacts, rate_certainty
from stemcell_cli.synthesis import pool, pool_tables, regtest

SE = 0.1
V = SE * SE


def facts(n: int, randomized: bool = True, risk: str = "low") -> list[StudyFacts]:
    concerns = () if risk == "low" else ("measurement of the outcome high",)
    return [StudyFacts(randomized, risk, concerns)] * n


def clean_pool(k: int = 3):
    """k identical, precise, clearly beneficial studies: nothing to downgrade."""
    return pool([math.log(0.5)] * k, [V] * k, measure="RR", labels=[f"S{i + 1}" for i in range(k)])


def domains(rating) -> list[str]:
    return [d.domain for d in rating.downgrades]


def test_clean_randomized_evidence_stays_high_and_is_labelled():
    rating = rate_certainty(clean_pool(), facts(3), total_events=500)
    assert rating.start == "high" and rating.final == "high"
    assert rating.downgrades == ()
    assert rating.label == "a transparent first rating, not a panel's judgement"
    assert rating.not_assessed[0][0] == "publication bias"
    assert "not assessable" in rating.not_assessed[0][1]


def test_observational_evidence_starts_low():
    studies = facts(3)
    studies[1] = StudyFacts(randomized=False)
    rating = rate_certainty(clean_pool(), studies, total_events=500)
    assert rating.start == "low" and rating.final == "low"


def test_risk_of_bias_fires_above_half_the_weight():
    pooled = pool([math.log(0.5)] * 3, [V, V, V / 2], labels=["S1", "S2", "S3"])
    studies = facts(3)
    concern = ("missing outcome data not reported",)
    studies[2] = StudyFacts(True, "some-concerns", concern)  # weight 50 %: not more
    assert "risk of bias" not in domains(rate_certainty(pooled, studies, 500))
    studies[1] = StudyFacts(True, "some-concerns", concern)  # now 75 %
    rating = rate_certainty(pooled, studies, 500)
    (downgrade,) = rating.downgrades
    assert downgrade.domain == "risk of bias" and downgrade.levels == 1
    assert "75%" in downgrade.reason
    assert "S3 (some concerns: missing outcome data not reported)" in downgrade.reason
    assert rating.final == "moderate"


def test_high_risk_of_bias_in_most_of_the_weight_rates_down_twice():
    pooled = pool([math.log(0.5)] * 3, [V, V, V / 2], labels=["S1", "S2", "S3"])
    studies = facts(3)
    studies[2] = StudyFacts(True, "high", ("measurement of the outcome high",))
    studies[1] = StudyFacts(True, "high", ("randomization process high",))
    rating = rate_certainty(pooled, studies, 500)
    (downgrade,) = rating.downgrades
    assert (downgrade.domain, downgrade.levels) == ("risk of bias", 2)
    assert "at high risk of bias hold 75%" in downgrade.reason
    assert rating.final == "low"


def test_inconsistency_fires_with_high_i2_and_non_overlapping_cis():
    pooled = pool_tables(BCG, measure="RR")
    rating = rate_certainty(pooled, facts(13), total_events=5000)
    found = [d for d in rating.downgrades if d.domain == "inconsistency"]
    assert len(found) == 1
    assert "I² = 92%" in found[0].reason and "do not overlap" in found[0].reason


def test_inconsistency_needs_both_conditions():
    # two studies 3 SEs apart: I² = 78 % but their 95 % CIs (± 1.96 SE) still overlap
    apart = pool([math.log(0.5), math.log(0.5) + 3 * SE], [V, V], method="DL")
    assert apart.i2 > 50
    assert "inconsistency" not in domains(rate_certainty(apart, facts(2), 5000))
    # low I²: identical studies never downgrade
    assert "inconsistency" not in domains(rate_certainty(clean_pool(), facts(3), 5000))


def ratio(estimate: float, lower: float, upper: float):
    """A pooled ratio with exactly this estimate and 95 % CI (log scale inside)."""
    base = pool([math.log(estimate)] * 3, [V] * 3)
    return replace(base, beta=math.log(estimate), ci_lb=math.log(lower), ci_ub=math.log(upper))


def imprecision(rating):
    return [(d.levels, d.reason) for d in rating.downgrades if d.domain == "imprecision"]


def test_imprecision_ci_crossing_no_effect_and_appreciable_benefit():
    wide = ratio(0.8, 0.6, 1.07)
    rating = rate_certainty(wide, facts(3), total_events=1000)
    ((levels, reason),) = imprecision(rating)
    assert levels == 1 and rating.final == "moderate"
    assert "crosses appreciable benefit (0.75)" in reason and "includes no effect (1)" in reason


def test_imprecision_crossing_both_thresholds_rates_down_twice():
    rating = rate_certainty(ratio(1.0, 0.7, 1.4), facts(3), total_events=1000)
    ((levels, reason),) = imprecision(rating)
    assert levels == 2 and rating.final == "low"
    assert "crosses both appreciable benefit (0.75) and harm (1.25)" in reason


def test_the_diabetes_trial_is_very_imprecise():
    """One 21-patient trial: RR 17.42 (1.14 to 265), 9 events (the issue's example)."""
    rating = rate_certainty(ratio(17.42, 1.14, 265), facts(3), total_events=9)
    ((levels, reason),) = imprecision(rating)
    assert levels == 2 and rating.final == "low"
    assert "9 events in total, under a third of the optimal information size" in reason
    assert "very wide (upper bound 232 times the lower)" in reason
    assert "crosses appreciable harm (1.25)" in reason


@pytest.mark.parametrize(("events", "levels"), [(99, 2), (100, 1), (299, 1), (300, None)])
def test_optimal_information_size_for_events(events: int, levels: int | None) -> None:
    rating = rate_certainty(clean_pool(), facts(3), total_events=events)
    assert [lv for lv, _ in imprecision(rating)] == ([levels] if levels else [])


@pytest.mark.parametrize(("participants", "levels"), [(133, 2), (134, 1), (399, 1), (400, None)])
def test_optimal_information_size_for_participants(participants: int, levels) -> None:
    md = pool([-1.0, -1.1, -0.9], [0.01] * 3, measure="MD")
    rating = rate_certainty(md, facts(3), None, participants=participants)
    assert [lv for lv, _ in imprecision(rating)] == ([levels] if levels else [])


def test_a_very_wide_interval_alone_rates_down_twice():
    rating = rate_certainty(ratio(0.3, 0.05, 0.6), facts(3), total_events=1000)
    ((levels, reason),) = imprecision(rating)
    assert levels == 2 and "upper bound 12 times the lower" in reason


def test_an_interval_that_touches_no_effect_exactly_includes_it():
    touching = replace(pool([0.02, 0.03, 0.025], [0.004] * 3, measure="RD"), ci_lb=0.0)
    assert touching.lower == 0.0
    rating = rate_certainty(touching, facts(3), total_events=1000)
    assert [d.domain for d in rating.downgrades] == ["imprecision"]
    assert "includes no effect (0)" in rating.downgrades[0].reason


def test_imprecision_uses_zero_for_risk_differences():
    rd = pool([0.02, 0.03, 0.025], [0.004] * 3, measure="RD")
    assert rd.lower < 0 < rd.upper
    rating = rate_certainty(rd, facts(3), total_events=1000)
    assert "includes no effect (0)" in rating.downgrades[0].reason


def test_publication_bias_judged_only_with_ten_studies():
    yi, vi = effects(EGGER2001, "OR")
    pooled = pool(yi, vi, measure="OR")
    funnel = regtest(yi, vi)
    rating = rate_certainty(pooled, facts(16), total_events=5000, funnel=funnel)
    found = [d for d in rating.downgrades if d.domain == "publication bias"]
    assert len(found) == 1
    assert "small-study test (metafor regtest) p = 3.03e-06" in found[0].reason
    # BCG: k = 13, Egger p = 0.42: judged, no downgrade, nothing "not assessed"
    yi, vi = effects(BCG, "RR")
    bcg = rate_certainty(pool(yi, vi), facts(13), 5000, funnel=regtest(yi, vi))
    assert "publication bias" not in domains(bcg) and bcg.not_assessed == ()
    # fewer than ten: not assessable, never a downgrade
    small = rate_certainty(clean_pool(9), facts(9), 5000, funnel=regtest(yi[:9], vi[:9]))
    assert "publication bias" not in domains(small)
    assert "9 studies" in small.not_assessed[0][1]


def test_rating_floors_at_very_low_and_validates_input():
    wide = pool([math.log(0.8)] * 3, [0.25] * 3)
    rating = rate_certainty(wide, facts(3, randomized=False, risk="high"), 10)
    assert rating.start == "low" and rating.final == "very low"
    assert sum(d.levels for d in rating.downgrades) == 4
    with pytest.raises(ValueError, match="2 study facts for 3"):
        rate_certainty(wide, facts(2), 10)
    with pytest.raises(ValueError, match="negative"):
        rate_certainty(wide, facts(3), -1)

"""Continuous outcomes (MD, Hedges' g), SDs from SEs and CIs, and generic inverse variance,
against metafor.

Sources of the reference figures:

[normand] wviechtb/metafor tests/testthat/test_analysis_example_normand1999.r (Normand 1999,
          Table VIII/IX, dat.normand1999; MD with a pooled SD per study): printed to 2 decimals.
[R]       computed locally with R 4.2.2, metafor 3.8-1 (Debian r-cran-metafor):

    d <- dat.normand1999
    md  <- escalc(measure="MD",  m1i=m1i, sd1i=sd1i, n1i=n1i, m2i=m2i, sd2i=sd2i, n2i=n2i, data=d)
    smd <- escalc(measure="SMD", m1i=m1i, sd1i=sd1i, n1i=n1i, m2i=m2i, sd2i=sd2i, n2i=n2i, data=d)
    cat(md$yi, md$vi, smd$yi, smd$vi)
      MD vi  40.50802316 2.080645161 15.69840376 150.2222222 17.30769231 1.16734143
             94.58912656 6.310879285 19.84230769
      SMD yi -0.3551696409 -0.3479400227 -2.31756916 -1.887982253 -0.3839641412 0.1721486691
             0.2720520739 -0.4245962719 0.2895562301
      SMD vi 0.01306467554 0.0644688761 0.04581211028 0.1606177359 0.2054332784 0.03691057
             0.06026712584 0.01486303842 0.03627173416
    s <- escalc(measure="SMD", m1i=c(5,1.5,10), sd1i=c(2,0.5,3), n1i=c(2,3,40),
                m2i=c(3,1,12), sd2i=c(1,0.7,4), n2i=c(2,2,35))
      yi 0.7136496465 0.6298140512 -0.5652971654   vi 1.063661977 0.8729999072 0.05570183447
    n <- c(25, 59, 60, 360); lo <- c(1, 10, 10, 81.5261); hi <- c(3, 14, 14, 84.2739)
    sqrt(n)*(hi-lo)/ifelse(n < 60, 2*qt(.975, n-1), 3.92)
      2.422599682 7.674555284 7.904047645 13.29995901
    hr <- c(0.07, 0.55, 0.81, 1.10); l <- c(0.02, 0.30, 0.60, 0.70); u <- c(0.24, 1.01, 1.09, 1.73)
    sei <- (log(u)-log(l))/(2*qnorm(.975))
    res <- rma(yi=log(hr), sei=sei, control=list(threshold=1e-12))  # converged fully
    p <- predict(res, transf=exp)
      sei 0.633916406 0.3096799596 0.1522995638 0.2308196374
      REML beta -0.7261990148 se 0.5466978976 tau2 1.068686703 I2 93.96424056 Q 17.98270259
      exp 0.4837442047 ci 0.1656783196 1.412426539 pi 0.04888724937 4.786697116
    (metafor's default threshold 1e-5 stops at tau2 1.068687522: the 7th digit differs)
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stemcell_cli.synthesis import NotEstimable, pool
from stemcell_cli.synthesis.continuous import (
    Arm,
    continuous_effect,
    hedges_g,
    mean_difference,
    mixing_note,
    sd_from_ci,
    sd_from_se,
)
from stemcell_cli.synthesis.generic import from_interval

# dat.normand1999: n1i, m1i, sd1i, n2i, m2i, sd2i
NORMAND = [
    (155, 55, 47, 156, 75, 64),
    (31, 27, 7, 32, 29, 4),
    (75, 64, 17, 71, 119, 29),
    (18, 66, 20, 18, 137, 48),
    (8, 14, 8, 13, 18, 11),
    (57, 19, 7, 52, 18, 4),
    (34, 52, 45, 33, 41, 34),
    (110, 21, 16, 183, 31, 27),
    (60, 30, 27, 52, 23, 20),
]
MD_VI = [
    40.50802316,
    2.080645161,
    15.69840376,
    150.2222222,
    17.30769231,
    1.16734143,
    94.58912656,
    6.310879285,
    19.84230769,
]
SMD_YI = [
    -0.3551696409,
    -0.3479400227,
    -2.31756916,
    -1.887982253,
    -0.3839641412,
    0.1721486691,
    0.2720520739,
    -0.4245962719,
    0.2895562301,
]
SMD_VI = [
    0.01306467554,
    0.0644688761,
    0.04581211028,
    0.1606177359,
    0.2054332784,
    0.03691057,
    0.06026712584,
    0.01486303842,
    0.03627173416,
]
R10 = 1e-9  # agreement to the 10 significant digits R printed


def arms(row: tuple[int, ...]) -> tuple[Arm, Arm]:
    n1, m1, s1, n2, m2, s2 = row
    return Arm(m1, s1, n1), Arm(m2, s2, n2)


def test_mean_difference_matches_escalc_md():
    for row, vi in zip(NORMAND, MD_VI, strict=True):
        md = mean_difference(*arms(row))
        assert md.yi == row[1] - row[4]
        assert md.vi == pytest.approx(vi, rel=R10)
        assert md.lower == pytest.approx(md.yi - 1.959963985 * math.sqrt(vi), rel=R10)


def test_normand_1999_table_ix_with_the_pooled_sd_as_in_the_paper():
    # [normand] the paper uses one pooled SD for both arms of each study
    yi, vi = [], []
    for n1, m1, s1, n2, m2, s2 in NORMAND:
        sdp = math.sqrt(((n1 - 1) * s1**2 + (n2 - 1) * s2**2) / (n1 + n2 - 2))
        md = mean_difference(Arm(m1, sdp, n1), Arm(m2, sdp, n2))
        yi.append(md.yi)
        vi.append(md.vi)
    assert [round(v, 2) for v in vi] == [
        40.59,
        2.05,
        15.28,
        150.22,
        20.19,
        1.22,
        95.38,
        8.03,
        20.69,
    ]
    fe = pool(yi, vi, measure="MD", method="FE")
    assert (round(fe.beta, 2), round(fe.ci_lb, 2), round(fe.ci_ub, 2)) == (-3.49, -5.03, -1.96)
    dl = pool(yi, vi, measure="MD", method="DL")
    assert (round(dl.beta, 2), round(dl.ci_lb, 2), round(dl.ci_ub, 2)) == (-14.10, -24.45, -3.75)
    assert round(dl.tau2, 2) == 218.72
    reml = pool(yi, vi, measure="MD", method="REML")
    assert (round(reml.beta, 2), round(reml.ci_lb, 2), round(reml.ci_ub, 2)) == (
        -15.12,
        -32.67,
        2.43,
    )
    assert round(reml.tau2, 2) == 685.20


def test_hedges_g_matches_escalc_smd():
    for row, yi, vi in zip(NORMAND, SMD_YI, SMD_VI, strict=True):
        g = hedges_g(*arms(row))
        assert g.yi == pytest.approx(yi, rel=R10) and g.vi == pytest.approx(vi, rel=R10)
        assert g.measure == "SMD" and "exact bias correction" in g.method


@pytest.mark.parametrize(
    ("exp", "ctl", "yi", "vi"),
    [
        (Arm(5, 2, 2), Arm(3, 1, 2), 0.7136496465, 1.063661977),  # m = 2: J far from 1
        (Arm(1.5, 0.5, 3), Arm(1, 0.7, 2), 0.6298140512, 0.8729999072),
        (Arm(10, 3, 40), Arm(12, 4, 35), -0.5652971654, 0.05570183447),
    ],
)
def test_hedges_g_exact_correction_in_small_samples(exp, ctl, yi, vi):
    g = continuous_effect("SMD", exp, ctl)
    assert g.yi == pytest.approx(yi, rel=R10) and g.vi == pytest.approx(vi, rel=R10)


def test_hedges_g_needs_four_people():
    with pytest.raises(NotEstimable, match="n1 \\+ n2 >= 4"):
        hedges_g(Arm(5, 2, 2), Arm(3, 1, 1))


@pytest.mark.parametrize(
    ("arm", "message"),
    [
        ((1.0, 0.0, 10), "SD must be a positive"),
        ((1.0, -2.0, 10), "SD must be a positive"),
        ((math.nan, 2.0, 10), "mean must be a finite"),
        ((1.0, 2.0, 0), "n must be at least 1"),
        ((1.0, 2.0, 2.5), "n must be a whole number"),
        ((1.0, math.inf, 5), "SD must be a positive finite"),
    ],
)
def test_bad_arms_are_refused_with_the_reason(arm, message):
    with pytest.raises(ValueError, match=message):
        Arm(*arm)


@pytest.mark.parametrize(
    ("n", "lower", "upper", "sd", "divisor"),
    [
        (25, 1, 3, 2.422599682, "2 × t(0.975, 24 df)"),
        (59, 10, 14, 7.674555284, "2 × t(0.975, 58 df)"),
        (60, 10, 14, 7.904047645, "3.92"),
        (360, 81.5261, 84.2739, 13.29995901, "3.92"),
    ],
)
def test_sd_from_ci_follows_the_handbook(n, lower, upper, sd, divisor):
    conversion = sd_from_ci(lower, upper, n)
    assert conversion.sd == pytest.approx(sd, rel=R10)
    assert divisor in conversion.text and f"√{n}" in conversion.text
    assert f"= {sd:.6g}" in conversion.text and "Cochrane Handbook 6.5.2" in conversion.text


def test_sd_from_se_says_how():
    conversion = sd_from_se(1.13, 63)  # Handbook 6.5.2.2's arithmetic: about 9
    assert conversion.sd == pytest.approx(1.13 * math.sqrt(63))
    assert conversion.text.startswith("SD = SE × √n = 1.13 × √63 = 8.9691")


def test_sd_from_a_ci_that_is_backwards_or_too_small_is_refused():
    with pytest.raises(ValueError, match="must be above its lower limit"):
        sd_from_ci(3, 1, 20)
    with pytest.raises(NotEstimable, match="at least 2 people"):
        sd_from_ci(1, 3, 1)


def test_final_and_change_values_never_mix_in_an_smd():
    assert mixing_note(["final", "final"], "SMD") == ""
    with pytest.raises(NotEstimable, match="SMD cannot combine final values with change"):
        mixing_note(["final", "change"], "SMD")
    note = mixing_note(["final", "change", "change"], "MD")
    assert "final values (1 studies) and changes from baseline (2)" in note
    assert "Cochrane Handbook" in note


HR = [(0.07, 0.02, 0.24), (0.55, 0.30, 1.01), (0.81, 0.60, 1.09), (1.10, 0.70, 1.73)]
HR_SE = [0.633916406, 0.3096799596, 0.1522995638, 0.2308196374]


def test_hazard_ratios_pool_on_the_log_scale_as_rma_with_sei():
    published = [from_interval("HR", *row) for row in HR]
    for item, se, (hr, _, _) in zip(published, HR_SE, HR, strict=True):
        assert item.log_scale and item.yi == pytest.approx(math.log(hr))
        assert item.se == pytest.approx(se, rel=R10)
    res = pool(
        [p.yi for p in published],
        [p.vi for p in published],
        measure="HR",
        labels=["A", "B", "C", "D"],
    )
    assert res.is_ratio and res.null == 1.0
    assert res.beta == pytest.approx(-0.7261990148, rel=1e-8)
    assert res.se == pytest.approx(0.5466978976, rel=1e-8)
    assert res.tau2 == pytest.approx(1.068686703, rel=1e-8)
    assert res.i2 == pytest.approx(93.96424056, rel=1e-8)
    assert res.q == pytest.approx(17.98270259, rel=R10)
    assert res.estimate == pytest.approx(0.4837442047, rel=1e-8)
    assert (res.lower, res.upper) == pytest.approx((0.1656783196, 1.412426539), rel=1e-8)
    assert (res.pi_lower, res.pi_upper) == pytest.approx((0.04888724937, 4.786697116), rel=1e-8)
    assert res.studies[0].estimate == pytest.approx(0.07)
    # the study's CI keeps the published width, centred (on the log scale) on the estimate
    first = res.studies[0]
    assert first.upper / first.lower == pytest.approx(0.24 / 0.02, rel=1e-9)
    assert first.lower * first.upper == pytest.approx(0.07**2, rel=1e-9)


def test_a_published_difference_stays_on_its_own_scale():
    md = from_interval("MD", -1.2, -2.0, -0.4)
    assert not md.log_scale and md.yi == -1.2
    assert md.se == pytest.approx(1.6 / (2 * 1.959963984540054))
    wide = from_interval("MD", 0.0, -1.0, 1.0, level=0.90)
    assert wide.se == pytest.approx(2.0 / (2 * 1.6448536269514722))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("HR", 0.5, 0.0, 0.9), "must be above 0"),
        (("HR", 0.5, 0.6, 0.9), "outside its interval"),
        (("HR", 0.5, 0.9, 0.3), "must be below the upper limit"),
        (("MD", math.nan, 0.1, 0.9), "finite number"),
        (("MD", "1", 0.1, 0.9), "must be a number"),
    ],
)
def test_bad_published_intervals_are_refused(args, message):
    with pytest.raises(ValueError, match=message):
        from_interval(*args)


positive = st.floats(min_value=1e-3, max_value=1e3, allow_nan=False)
means = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False)
sizes = st.integers(min_value=2, max_value=5000)


@given(means, positive, sizes, means, positive, sizes)
def test_md_and_smd_are_antisymmetric_and_well_formed(m1, s1, n1, m2, s2, n2):
    a, b = Arm(m1, s1, n1), Arm(m2, s2, n2)
    for measure in ("MD", "SMD"):
        forward, backward = continuous_effect(measure, a, b), continuous_effect(measure, b, a)
        assert forward.yi == pytest.approx(-backward.yi, abs=1e-9)
        assert forward.vi == pytest.approx(backward.vi)
        assert forward.vi > 0 and forward.lower <= forward.yi <= forward.upper


@given(st.floats(min_value=1e-3, max_value=1e3), st.floats(min_value=1.0001, max_value=50))
def test_a_ratio_interval_round_trips_through_pooling(estimate, spread):
    item = from_interval("OR", estimate, estimate / spread, estimate * spread)
    res = pool([item.yi], [item.vi], measure="OR", method="FE")
    assert res.estimate == pytest.approx(estimate, rel=1e-9)
    assert (res.lower, res.upper) == pytest.approx((estimate / spread, estimate * spread), rel=1e-9)

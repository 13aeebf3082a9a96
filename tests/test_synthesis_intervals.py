"""Student's t, Hartung–Knapp–Sidik–Jonkman and prediction intervals, against R and metafor.

Sources of the reference figures:

[raud]  wviechtb/metafor tests/testthat/test_analysis_example_raudenbush1985.r (Raudenbush
        & Bryk 1985, dat.raudenbush1985; REML): tau2 0.019, beta 0.084, QE 35.83, z 1.62.
[R]     computed locally with R 4.2.2, metafor 3.8-1 (Debian r-cran-metafor):

    qt(0.975, df=c(1,2,3,4,5,9,12,29,100,1000,2.5))
      12.70620474 4.30265273 3.182446305 2.776445105 2.570581836 2.262157163 2.17881283
      2.045229642 1.983971519 1.962339081 3.574654842
    qt(c(0.6,0.9,0.999,0.9999999), df=c(7,1,15,4))
      0.2631668614 3.077683537 3.732834425 73.98575806
    2*pt(-abs(c(0.5,1.96,2.5,4,12,0.01,30)), df=c(1,2,5,10,3,40,200))
      0.7048327647 0.1890573096 0.05449009934 0.002518332625 0.001245015801 0.992070997
      5.724161209e-76
    d <- dat.normand1999   # MD and SMD as in test_synthesis_continuous.py
    res <- rma(yi, vi, data=dd, method=meth, test=tst); p <- predict(res)
      (beta, se, ci.lb, ci.ub, zval/tval, pval, tau2, pi.lb, pi.ub) in NORMAND_FITS below
    REML rows use control=list(threshold=1e-12): metafor's default (1e-5) stops early, which
    moves tau² in the 4th digit for dat.raudenbush1985 (0.01882634806 instead of 0.01881828814).
    r <- dat.raudenbush1985; ctl <- list(threshold=1e-12)
    res <- rma(yi, vi, data=r, test="knha", control=ctl); p <- predict(res)
      0.08370124188 se 0.06157931947 ci -0.04567210761 0.2130745914 t 1.359242723
      p 0.1908569918 tau2 0.01881828814 pi -0.2322085639 0.3996110477
    res <- rma(yi, vi, data=r, control=ctl); k <- res$k
    c(res$beta) + c(-1,1)*qt(.975,k-2)*sqrt(res$se^2+res$tau2)   -0.2255508525 0.3929533362
    (and with test="knha": -0.2335458604 0.4009483442)
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_synthesis_continuous import NORMAND, arms

from stemcell_cli.synthesis import NotEstimable, pool
from stemcell_cli.synthesis.continuous import continuous_effect
from stemcell_cli.synthesis.student_t import betainc, t_cdf, t_quantile, t_two_sided_p

R10 = 1e-9

RAUD_YI = [
    0.03,
    0.12,
    -0.14,
    1.18,
    0.26,
    -0.06,
    -0.02,
    -0.32,
    0.27,
    0.8,
    0.54,
    0.18,
    -0.02,
    0.23,
    -0.18,
    -0.06,
    0.3,
    0.07,
    -0.07,
]
RAUD_VI = [
    0.0156,
    0.0216,
    0.0279,
    0.1391,
    0.1362,
    0.0106,
    0.0106,
    0.0484,
    0.0269,
    0.063,
    0.0912,
    0.0497,
    0.0835,
    0.0841,
    0.0253,
    0.0279,
    0.0193,
    0.0088,
    0.0303,
]


@pytest.mark.parametrize(
    ("df", "want"),
    list(
        zip(
            [1, 2, 3, 4, 5, 9, 12, 29, 100, 1000, 2.5],
            [
                12.70620474,
                4.30265273,
                3.182446305,
                2.776445105,
                2.570581836,
                2.262157163,
                2.17881283,
                2.045229642,
                1.983971519,
                1.962339081,
                3.574654842,
            ],
            strict=True,
        )
    ),
)
def test_t_quantile_matches_r_qt(df, want):
    assert t_quantile(0.975, df) == pytest.approx(want, rel=R10)
    assert t_quantile(0.025, df) == pytest.approx(-want, rel=R10)


@pytest.mark.parametrize(
    ("p", "df", "want"),
    [
        (0.6, 7, 0.2631668614),
        (0.9, 1, 3.077683537),
        (0.999, 15, 3.732834425),
        (0.9999999, 4, 73.98575806),
        (0.5, 3, 0.0),
    ],
)
def test_t_quantile_in_the_body_and_far_tail(p, df, want):
    assert t_quantile(p, df) == pytest.approx(want, rel=R10)


@pytest.mark.parametrize(
    ("t", "df", "want"),
    [
        (0.5, 1, 0.7048327647),
        (1.96, 2, 0.1890573096),
        (2.5, 5, 0.05449009934),
        (-4, 10, 0.002518332625),
        (12, 3, 0.001245015801),
        (0.01, 40, 0.992070997),
        (30, 200, 5.724161209e-76),
    ],
)
def test_two_sided_p_matches_r_pt(t, df, want):
    assert t_two_sided_p(t, df) == pytest.approx(want, rel=R10)


def test_bad_arguments_are_refused():
    for call in (
        lambda: t_quantile(0.0, 3),
        lambda: t_quantile(1.0, 3),
        lambda: t_quantile(0.5, 0),
        lambda: t_two_sided_p(1.0, -1),
        lambda: betainc(0, 1, 0.5),
        lambda: betainc(1, 1, 1.5),
    ):
        with pytest.raises(ValueError):
            call()


@given(st.floats(min_value=1e-6, max_value=1 - 1e-6), st.floats(min_value=0.5, max_value=1e4))
def test_the_quantile_inverts_the_distribution(p, df):
    q = t_quantile(p, df)
    assert t_cdf(q, df) == pytest.approx(p, rel=1e-8, abs=1e-12)


@given(
    st.floats(min_value=-1e3, max_value=1e3, allow_nan=False),
    st.floats(min_value=0.1, max_value=1e6),
)
def test_two_sided_p_is_a_probability_and_falls_with_t(t, df):
    p = t_two_sided_p(t, df)
    assert 0.0 <= p <= 1.0
    assert t_two_sided_p(abs(t) + 0.5, df) <= p + 1e-15


# (measure, method, test): beta, se, ci.lb, ci.ub, stat, p, tau2, pi.lb, pi.ub (metafor predict)
NORMAND_FITS = {
    ("MD", "DL", "z"): (
        -13.98172182,
        5.126698339,
        -24.02986592,
        -3.933577713,
        -2.727237082,
        0.006386713241,
        205.4093755,
        -43.81520732,
        15.85176368,
    ),
    ("MD", "DL", "hksj"): (
        -13.98172182,
        8.736806665,
        -34.12883411,
        6.165390481,
        -1.600324049,
        0.1481942693,
        205.4093755,
        -52.68834065,
        24.72489701,
    ),
    ("MD", "REML", "hksj"): (
        -15.10602747,
        9.198908747,
        -36.31874908,
        6.106694136,
        -1.642154291,
        0.1391840373,
        684.6461529,
        -79.06454251,
        48.85248756,
    ),
    ("SMD", "DL", "z"): (
        -0.5307373106,
        0.2592186057,
        -1.038796442,
        -0.02267817937,
        -2.047450681,
        0.04061385461,
        0.5397143748,
        -2.057634369,
        0.9961597477,
    ),
    ("SMD", "DL", "hksj"): (
        -0.5307373106,
        0.3086582553,
        -1.242504524,
        0.1810299024,
        -1.719498188,
        0.1238398155,
        0.5397143748,
        -2.3682975,
        1.306822878,
    ),
    ("SMD", "REML", "z"): (
        -0.5371082584,
        0.3086614903,
        -1.142073663,
        0.06785714593,  # 1e-12
        -1.740120732,
        0.08183782058,
        0.7908429138,
        -2.382094336,
        1.307877819,
    ),
    ("SMD", "REML", "hksj"): (
        -0.5371082584,
        0.3092856339,
        -1.250322209,
        0.1761056922,  # 1e-12
        -1.736609139,
        0.1206645322,
        0.7908429138,
        -2.708306999,
        1.634090482,
    ),
}


@pytest.mark.parametrize(("key", "want"), NORMAND_FITS.items())
def test_normand_md_and_smd_with_z_and_knha_match_metafor(key, want):
    measure, method, ci = key
    effects = [continuous_effect(measure, *arms(row)) for row in NORMAND]
    res = pool(
        [e.yi for e in effects], [e.vi for e in effects], measure=measure, method=method, ci=ci
    )
    # REML: metafor stops at its 1e-5 threshold, so its figures agree to about 8 digits
    rel = 1e-8 if method == "REML" else R10
    got = (res.beta, res.se, res.ci_lb, res.ci_ub, res.z, res.p, res.tau2, res.pi_lb, res.pi_ub)
    assert got == pytest.approx(want, rel=rel)
    assert res.test_name == ("t" if ci == "hksj" else "z")
    assert res.test_df == (8 if ci == "hksj" else None)
    assert res.q == pytest.approx(238.9158109 if measure == "MD" else 123.7292744, rel=R10)


def test_raudenbush_1985_published_and_knha():
    res = pool(RAUD_YI, RAUD_VI, measure="SMD")
    # [raud] the figures metafor's own test checks, at its rounding
    assert (round(res.tau2, 3), round(res.beta, 3), round(res.q, 2), round(res.z, 2)) == (
        0.019,
        0.084,
        35.83,
        1.62,
    )
    knha = pool(RAUD_YI, RAUD_VI, measure="SMD", ci="hksj")
    want = (
        0.08370124188,
        0.06157931947,
        -0.04567210761,
        0.2130745914,
        1.359242723,
        0.1908569918,
        0.01881828814,
        -0.2322085639,
        0.3996110477,
    )
    got = (
        knha.beta,
        knha.se,
        knha.ci_lb,
        knha.ci_ub,
        knha.z,
        knha.p,
        knha.tau2,
        knha.pi_lb,
        knha.pi_ub,
    )
    assert got == pytest.approx(want, rel=R10)
    assert knha.ci_label.startswith("Hartung–Knapp–Sidik–Jonkman")
    assert knha.pi_label == "metafor predict(): t with 18 df × √(SE² + tau²)"


def test_handbook_prediction_interval_uses_t_with_k_minus_2_df():
    res = pool(RAUD_YI, RAUD_VI, measure="SMD", pi="handbook")
    assert (res.pi_lb, res.pi_ub) == pytest.approx((-0.2255508525, 0.3929533362), rel=R10)
    assert res.pi_label == "Cochrane Handbook: t with 17 df × √(SE² + tau²)"
    both = pool(RAUD_YI, RAUD_VI, measure="SMD", pi="handbook", ci="hksj")
    assert (both.pi_lb, both.pi_ub) == pytest.approx((-0.2335458604, 0.4009483442), rel=R10)
    default = pool(RAUD_YI, RAUD_VI, measure="SMD")
    assert default.pi_label == "metafor predict(): 1.96 × √(SE² + tau²) (normal)"
    assert default.ci_label == "normal 95% CI and z-test"


def test_prediction_interval_needs_three_studies_and_random_effects():
    two = pool([0.1, 0.5], [0.04, 0.05], measure="MD", pi="handbook")
    assert two.pi_lb is None and two.pi_ub is None
    fixed = pool([0.1, 0.5, 0.3], [0.04, 0.05, 0.02], measure="MD", method="FE", pi="handbook")
    assert fixed.pi_lb is None


def test_few_studies_under_random_effects_are_noted():
    res = pool([0.1, 0.5, 0.3], [0.04, 0.05, 0.02], measure="MD")
    assert any("only 3 studies" in note for note in res.notes)
    many = pool(RAUD_YI, RAUD_VI, measure="SMD")
    assert many.notes == ()


def test_hksj_with_one_study_falls_back_to_z_and_says_so():
    one = pool([0.3], [0.04], measure="MD", method="FE", ci="hksj")
    assert one.ci_method == "z" and one.test_df is None
    assert any("HKSJ needs two or more" in note for note in one.notes)


def test_hksj_with_identical_effects_is_not_estimable():
    with pytest.raises(NotEstimable, match="HKSJ"):
        pool([0.2, 0.2, 0.2], [0.01, 0.02, 0.03], measure="MD", ci="hksj")


def test_unknown_interval_methods_are_refused():
    with pytest.raises(ValueError, match="unknown CI method"):
        pool([0.1, 0.2], [0.1, 0.1], ci="kh")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown prediction interval method"):
        pool([0.1, 0.2, 0.3], [0.1, 0.1, 0.1], pi="higgins")  # type: ignore[arg-type]


studies = st.lists(
    st.tuples(
        st.floats(min_value=-3, max_value=3, allow_nan=False),
        st.floats(min_value=1e-3, max_value=4, allow_nan=False),
    ),
    min_size=3,
    max_size=12,
)


@given(studies, st.sampled_from(["DL", "REML"]))
def test_interval_methods_are_well_formed(data, method):
    yi, vi = [y for y, _ in data], [v for _, v in data]
    if max(yi) - min(yi) < 1e-9:
        return  # identical effects: HKSJ not estimable (tested above)
    z = pool(yi, vi, measure="MD", method=method)
    hk = pool(yi, vi, measure="MD", method=method, ci="hksj", pi="handbook")
    assert hk.beta == pytest.approx(z.beta) and hk.tau2 == z.tau2
    assert hk.ci_lb <= hk.beta <= hk.ci_ub and 0.0 <= hk.p <= 1.0
    assert hk.test_df == len(yi) - 1
    handbook = pool(yi, vi, measure="MD", method=method, pi="handbook")
    assert z.pi_lb is not None and handbook.pi_lb is not None
    # t with k − 2 df is wider than the normal quantile
    assert handbook.pi_lb <= z.pi_lb and z.pi_ub <= handbook.pi_ub  # type: ignore[operator]
    assert math.isfinite(hk.pi_lb) and math.isfinite(hk.pi_ub)  # type: ignore[arg-type]


def test_knha_with_a_fixed_effect_model_as_metafor():
    # [R] rma(yi, vi, data=escalc("RR", ... dat.bcg), method="FE", test="knha") (metafor warns
    # that Knapp–Hartung is not meant for FE models, and computes it):
    #   -0.4302851637 se 0.144246548 ci -0.744571393 -0.1159989343 t -2.982984132 p 0.01142223504
    from test_synthesis_subgroups import bcg_rr

    yi, vi = bcg_rr()
    res = pool(yi, vi, measure="RR", method="FE", ci="hksj")
    got = (res.beta, res.se, res.ci_lb, res.ci_ub, res.z, res.p)
    want = (-0.4302851637, 0.144246548, -0.744571393, -0.1159989343, -2.982984132, 0.01142223504)
    assert got == pytest.approx(want, rel=R10)
    assert res.test_df == 12 and res.pi_lb is None

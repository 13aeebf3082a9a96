"""Pooling (FE, DL, REML) against metafor on the BCG vaccine trials (dat.bcg).

Sources of the reference figures:

[metan] wviechtb/metafor tests/testthat/test_misc_metan_vs_rma.uni_with_dat.bcg.r
        (metafor's own test comparing rma() with Stata's metan): FE and DL for RR, OR, RD.
[2007a] wviechtb/metafor tests/testthat/test_analysis_example_viechtbauer2007a.r
        (Table II of Viechtbauer 2007, dat.collins1985b): tau² by DL and REML.
[R]     computed locally with R 4.2.2, metafor 3.8-1 (Debian r-cran-metafor):

    for (m in c("RR","OR","RD")) {
      dat <- escalc(measure=m, ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg)
      for (meth in c("FE","DL","REML")) {
        res <- rma(yi, vi, data=dat, method=meth); p <- predict(res)
        cat(m, meth, "beta", c(res$beta), "se", res$se, "ci", res$ci.lb, res$ci.ub,
            "z", res$zval, "p", res$pval, "\\n")
        cat("   Q", res$QE, "Qp", res$QEp, "tau2", res$tau2, "I2", res$I2, "H2", res$H2, "\\n")
        cat("   pi", p$pi.lb, p$pi.ub, "\\n"); cat("   w", weights(res), "\\n") } }

    RR FE beta -0.4302851637 se 0.04049875171 ci -0.5096612584 -0.3509090689
       z -10.6246525 p 2.288629307e-26
       Q 152.2330081 Qp 1.996764591e-26 tau2 0 I2 92.11734685 H2 12.68608401
    RR DL beta -0.7141172221 se 0.1787420895 ci -1.06444528 -0.3637891641
       z -3.995238189 p 6.462924305e-05
       tau2 0.3087602629 I2 92.11734685 H2 12.68608401   pi -1.858153753 0.4299193086
    RR REML beta -0.7145323484 se 0.1797815318 ci -1.066897676 -0.362167021
       z -3.974447994 p 7.054267349e-05
       tau2 0.313243326 I2 92.22138607 H2 12.8557608   pi -1.866692347 0.4376276499
       w 5.059483079 6.364679632 4.436027763 9.698746736 8.868456287 10.09573817
         6.027181703 10.18943863 8.743133132 8.367607247 9.925026663 3.821629423 8.402851535
    OR FE beta -0.4361390761 se 0.04226545699   Q 163.1649152 I2 92.64547774 H2 13.59707627
    OR DL beta -0.7473923497 se 0.192262849 tau2 0.3663434067 I2 92.64547774
    OR REML beta -0.7451777718 se 0.1860279154 ci -1.109785786 -0.3805697575
       tau2 0.3377720451 I2 92.07269155 H2 12.61462206   pi -1.941203025 0.4508474813
    RD FE beta -0.0009142634685 se 0.0002260339297   Q 276.4737127 I2 95.65962352
    RD DL beta -0.007055263566 tau2 1.873474993e-05 I2 95.65962352
    RD REML (control=list(threshold=1e-12)): tau2 0.001421403096 beta -0.02517328814
       se 0.01082811416 I2 99.94023186 H2 1673.132247
    (metafor's default threshold 1e-5 stops early here: tau2 0.001421540439, I2 99.94023763)

    pchisq(c(0.5, 3, 12.5, 30, 152.2330081), df=c(1,2,12,12,12), lower.tail=FALSE)
      0.4795001222 0.2231301601 0.406404034 0.002792429333 1.996764574e-26
    pchisq(c(0.001, 1e-6, 50, 1000, 7.5), df=c(1,3,100,900,7.3), lower.tail=FALSE)
      0.9747728794 0.9999999997 0.9999930467 0.01099460894 0.4102274733
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from twoarm import BCG as BCG_TRIALS

from stemcell_cli.synthesis import chi2_sf, escalc, pool, pool_tables
from stemcell_cli.synthesis.effects import Table2x2

# dat.bcg: (tpos, tpos + tneg, cpos, cpos + cneg) per trial, in metafor's order
BCG = [counts for _, _, *counts in BCG_TRIALS]
SIG4 = 5e-5  # relative: agreement to the fourth significant digit and beyond


def close(got: float, want: float, rel: float = SIG4) -> bool:
    return got == pytest.approx(want, rel=rel, abs=1e-12)


# [metan] rounded to 4 decimals in the source, so compared to 4 decimals
@pytest.mark.parametrize(
    ("measure", "method", "beta", "ci_lb", "ci_ub", "z", "extra"),
    [
        ("RR", "FE", -0.4303, -0.5097, -0.3509, -10.6247, {"q": 152.2330}),
        ("RR", "DL", -0.7141, -1.0644, -0.3638, -3.9952, {"tau2": 0.3088, "i2": 92.1173}),
        ("OR", "FE", -0.4361, -0.5190, -0.3533, -10.3190, {"q": 163.1649}),
        ("OR", "DL", -0.7474, -1.1242, -0.3706, -3.8873, {"tau2": 0.3663, "i2": 92.6455}),
        ("RD", "FE", -0.0009, -0.0014, -0.0005, -4.0448, {"q": 276.4737}),
        ("RD", "DL", -0.0071, -0.0101, -0.0040, -4.5128, {"tau2": 0.0000, "i2": 95.6596}),
    ],
)
def test_fe_and_dl_match_metafor_test_file(measure, method, beta, ci_lb, ci_ub, z, extra):
    res = pool_tables(BCG, measure=measure, method=method)
    assert round(res.beta, 4) == beta
    assert round(res.ci_lb, 4) == ci_lb
    assert round(res.ci_ub, 4) == ci_ub
    assert round(res.z, 4) == z
    for name, value in extra.items():
        assert round(getattr(res, name), 4) == value


def test_fe_and_dl_exponentiated_match_metafor_predict():
    # [metan] predict(res, transf=exp): RR FE 0.6503 (0.6007, 0.7040), DL 0.4896 (0.3449, 0.6950)
    fe = pool_tables(BCG, measure="RR", method="FE")
    assert [round(v, 4) for v in (fe.estimate, fe.lower, fe.upper)] == [0.6503, 0.6007, 0.7040]
    dl = pool_tables(BCG, measure="RR", method="DL")
    assert [round(v, 4) for v in (dl.estimate, dl.lower, dl.upper)] == [0.4896, 0.3449, 0.6950]
    # OR FE 0.6465 (0.5951, 0.7024), DL 0.4736 (0.3249, 0.6903)
    fe = pool_tables(BCG, measure="OR", method="FE")
    assert [round(v, 4) for v in (fe.estimate, fe.lower, fe.upper)] == [0.6465, 0.5951, 0.7024]
    dl = pool_tables(BCG, measure="OR", method="DL")
    assert [round(v, 4) for v in (dl.estimate, dl.lower, dl.upper)] == [0.4736, 0.3249, 0.6903]


def test_rr_reml_matches_metafor_in_full():
    res = pool_tables(BCG, measure="RR", method="REML")  # [R]
    assert res.k == 13 and res.method == "REML"
    assert close(res.beta, -0.7145323484)
    assert close(res.se, 0.1797815318)
    assert close(res.ci_lb, -1.066897676)
    assert close(res.ci_ub, -0.362167021)
    assert close(res.z, -3.974447994)
    assert close(res.p, 7.054267349e-05, rel=1e-4)
    assert close(res.q, 152.2330081) and res.q_df == 12
    assert close(res.q_p, 1.996764591e-26, rel=1e-6)
    assert close(res.tau2, 0.313243326)
    assert close(res.tau, math.sqrt(0.313243326))
    assert close(res.i2, 92.22138607)
    assert close(res.h2, 12.8557608)
    assert close(res.pi_lb, -1.866692347)
    assert close(res.pi_ub, 0.4376276499)
    assert close(res.estimate, math.exp(-0.7145323484))
    assert close(res.pi_upper, math.exp(0.4376276499))
    weights = [5.059483079, 6.364679632, 4.436027763, 9.698746736, 8.868456287, 10.09573817]
    weights += [6.027181703, 10.18943863, 8.743133132, 8.367607247, 9.925026663, 3.821629423]
    weights += [8.402851535]
    for row, want in zip(res.studies, weights, strict=True):
        assert close(row.weight, want, rel=1e-4)
    assert sum(row.weight for row in res.studies) == pytest.approx(100.0)


def test_fe_heterogeneity_and_weights_match_metafor():
    res = pool_tables(BCG, measure="RR", method="FE")  # [R]
    assert close(res.se, 0.04049875171)
    assert close(res.i2, 92.11734685)  # I² from Q for the fixed-effect model
    assert close(res.h2, 12.68608401)
    assert res.tau2 == 0 and res.pi_lb is None and res.pi_ub is None
    assert close(res.studies[7].weight, 41.40138987)  # TPT Madras


def test_dl_prediction_interval_and_h2_match_metafor():
    res = pool_tables(BCG, measure="RR", method="DL")  # [R]
    assert close(res.tau2, 0.3087602629)
    assert close(res.h2, 12.68608401)
    assert close(res.pi_lb, -1.858153753) and close(res.pi_ub, 0.4299193086)


def test_or_reml_matches_metafor():
    res = pool_tables(BCG, measure="OR", method="REML")  # [R]
    assert close(res.beta, -0.7451777718)
    assert close(res.se, 0.1860279154)
    assert close(res.tau2, 0.3377720451)
    assert close(res.i2, 92.07269155)
    assert close(res.h2, 12.61462206)
    assert close(res.pi_lb, -1.941203025) and close(res.pi_ub, 0.4508474813)


def test_rd_reml_converges_further_than_metafor_default():
    res = pool_tables(BCG, measure="RD", method="REML")  # [R] with threshold=1e-12
    assert close(res.tau2, 0.001421403096, rel=1e-7)
    assert close(res.beta, -0.02517328814, rel=1e-7)
    assert close(res.se, 0.01082811416, rel=1e-7)
    assert close(res.i2, 99.94023186, rel=1e-9)
    assert close(res.h2, 1673.132247, rel=1e-7)
    assert close(res.tau2, 0.001421540439, rel=2e-4)  # metafor's default stopping point


# [2007a]: dat.collins1985b, pre-eclampsia (log OR), Table II of Viechtbauer (2007)
COLLINS = [  # (pre.xti, pre.nti, pre.xci, pre.nci)
    (14, 131, 14, 136),
    (21, 385, 17, 134),
    (14, 57, 24, 48),
    (6, 38, 18, 40),
    (12, 1011, 35, 760),
    (138, 1370, 175, 1336),
    (15, 506, 20, 524),
    (6, 108, 2, 103),
    (65, 153, 40, 102),
]


def test_tau2_estimators_match_viechtbauer_2007_table_ii():
    dl = pool_tables(COLLINS, measure="OR", method="DL")
    reml = pool_tables(COLLINS, measure="OR", method="REML")
    assert round(dl.tau2, 4) == 0.2297
    assert round(reml.tau2, 4) == 0.3008


def test_not_estimable_tables_are_left_out_and_named():
    tables = [*BCG[:3], (0, 50, 0, 50)]
    res = pool_tables(tables, measure="RR", labels=["a", "b", "c", "double zero"])
    assert res.k == 3 and res.excluded == ("double zero",)
    with pytest.raises(ValueError, match="no study has an estimable RR"):
        pool_tables([(0, 5, 0, 5)], measure="RR")


@pytest.mark.parametrize(
    ("x", "df", "want"),
    [
        (0.5, 1, 0.4795001222),
        (3, 2, 0.2231301601),
        (12.5, 12, 0.406404034),
        (30, 12, 0.002792429333),
        (152.2330081, 12, 1.996764574e-26),
        (0.001, 1, 0.9747728794),
        (1e-6, 3, 0.9999999997),
        (50, 100, 0.9999930467),
        (1000, 900, 0.01099460894),
        (7.5, 7.3, 0.4102274733),
    ],
)
def test_chi_square_upper_tail_matches_r_pchisq(x, df, want):
    assert chi2_sf(x, df) == pytest.approx(want, rel=1e-8)


def test_edge_cases_one_study_and_bad_input():
    one = pool([0.3], [0.04], measure="RD", method="REML")
    assert one.k == 1 and one.q == 0 and one.q_p == 1.0 and one.i2 == 0 and one.h2 == 1
    assert one.estimate == 0.3 and one.pi_lb is None
    with pytest.raises(ValueError, match="at least one study"):
        pool([], [])
    with pytest.raises(ValueError, match="positive finite"):
        pool([0.1, 0.2], [0.1, 0.0])
    with pytest.raises(ValueError, match="same length"):
        pool([0.1, 0.2], [0.1])
    with pytest.raises(ValueError, match="unknown pooling method"):
        pool([0.1], [0.1], method="PM")  # type: ignore[arg-type]


studies = st.lists(
    st.tuples(
        st.floats(min_value=-3, max_value=3, allow_nan=False),
        st.floats(min_value=1e-4, max_value=4, allow_nan=False),
    ),
    min_size=2,
    max_size=15,
)


@settings(max_examples=150, deadline=None)
@given(studies, st.sampled_from(["FE", "DL", "REML"]))
def test_pooled_result_is_always_well_formed(data, method):
    yi, vi = [y for y, _ in data], [v for _, v in data]
    res = pool(yi, vi, measure="RR", method=method)
    assert 0.0 <= res.i2 <= 100.0
    if method == "FE":
        assert res.h2 == pytest.approx(res.q / res.q_df)  # metafor: Q/df, may be below 1
    else:
        assert res.h2 >= 1.0 - 1e-12
    assert res.tau2 >= 0.0
    assert 0.0 <= res.q_p <= 1.0
    assert res.ci_lb <= res.beta <= res.ci_ub
    assert res.lower <= res.estimate <= res.upper
    assert sum(s.weight for s in res.studies) == pytest.approx(100.0)
    if res.pi_lb is not None:
        assert res.pi_lb <= res.ci_lb and res.ci_ub <= res.pi_ub


@settings(max_examples=100, deadline=None)
@given(
    st.floats(min_value=-2, max_value=2, allow_nan=False),
    st.lists(st.floats(min_value=1e-3, max_value=2, allow_nan=False), min_size=2, max_size=12),
)
def test_fixed_effect_equals_reml_when_tau2_is_zero(effect, variances):
    yi = [effect] * len(variances)  # identical effects: no heterogeneity at all
    fe = pool(yi, variances, method="FE")
    reml = pool(yi, variances, method="REML")
    assert reml.tau2 == 0.0
    assert reml.beta == pytest.approx(fe.beta) and reml.se == pytest.approx(fe.se)


def test_escalc_feeds_pool_as_metafor_yi_vi():
    # [R] escalc(measure="RR", ...) on dat.bcg, first trial: yi -0.8893113339, vi 0.325584765
    first = escalc("RR", Table2x2(*BCG[0]))
    assert first is not None
    assert close(first.yi, -0.8893113339) and close(first.vi, 0.325584765)


def p_matrix(w, x, vcov):
    """P = W − W X (X'WX)⁻¹ X'W as a k × k matrix, written out."""
    p, k = len(x[0]), len(w)
    ax = [[sum(vcov[r][c] * x[j][c] for c in range(p)) for r in range(p)] for j in range(k)]
    return [
        [
            (w[i] if i == j else 0.0) - w[i] * w[j] * sum(x[i][r] * ax[j][r] for r in range(p))
            for j in range(k)
        ]
        for i in range(k)
    ]


@pytest.mark.parametrize("columns", [1, 2])  # pooling; the small-study test (intercept + SE)
def test_closed_form_traces_equal_the_matrix_ones(columns: int):
    from stemcell_cli.synthesis import _wls

    v = [0.3, 0.05, 0.9, 0.2, 0.45]
    w = [1 / vi for vi in v]
    x = [(1.0,) if columns == 1 else (1.0, vi**0.5) for vi in v]
    fit = _wls.wls([0.0] * 5, w, x)
    pm = p_matrix(w, x, fit.vcov)
    tr_p = sum(pm[i][i] for i in range(5))
    tr_pp = sum(value * value for row in pm for value in row)
    assert _wls._traces(w, x, fit.vcov) == pytest.approx((tr_p, tr_pp), rel=1e-12)

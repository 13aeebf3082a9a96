"""Numbers at the edge (issue 18, item 5): valid counts never crash pooling, and a fit that
cannot be computed says why instead of raising ZeroDivisionError or stopping silently.

[R] computed locally with R 4.2.2, metafor 3.8-1:

    for (m in c("RR","OR","RD")) {
      dat <- escalc(measure=m, ai=c(9999999,1), n1i=c(10000000,3),
                    ci=c(9999999,2), n2i=c(10000000,3))
      for (meth in c("DL","REML")) { r <- rma(yi, vi, data=dat, method=meth)
        cat(m, meth, r$beta, r$se, r$tau2, r$I2, r$QE, "\\n") } }

    RR DL   -1.6635534e-14 1.414213633e-07 0 0 0.5806725098   (REML: the same)
    OR DL   -0.5545177777  1.095445148     0 0 0.3843623958   (REML: the same)
    RD DL   -4.499999548e-14 1.414213491e-07 0 0 0.7504340278 (REML: the same)

metafor warns "Ratio of largest to smallest sampling variance extremely large" and its Q for RR
and RD loses digits to that ratio; the exact Q is the second study's w·(y − beta)² alone:
RR 1.2·ln(1/2)² = 0.5765436167, RD (1/3)²/(4/27) = 0.75 (OR is well conditioned and agrees).
"""

from __future__ import annotations

import json
import math

import pytest
from conftest import invoke
from hypothesis import given, settings
from hypothesis import strategies as st
from twoarm import write_two_arm

from stemcell_cli.synthesis import NotEstimable, _wls, pool, pool_tables, regtest

EXTREME = [(9999999, 10000000, 9999999, 10000000), (1, 3, 2, 3)]
INTERCEPT = [(1.0,)] * 2


@pytest.mark.parametrize(
    ("measure", "beta", "se", "q"),
    [
        ("RR", -1.6635534e-14, 1.414213633e-07, 1.2 * math.log(0.5) ** 2),
        ("OR", -0.5545177777, 1.095445148, 0.3843623958),
        ("RD", -4.499999548e-14, 1.414213491e-07, 0.75),
    ],
)
@pytest.mark.parametrize("method", ["DL", "REML"])
def test_ten_million_per_arm_pools_as_metafor(measure, beta, se, q, method):
    res = pool_tables(EXTREME, measure=measure, method=method)
    assert res.tau2 == 0.0 and res.i2 == 0.0
    assert res.beta == pytest.approx(beta, rel=1e-6, abs=1e-20)
    assert res.se == pytest.approx(se, rel=1e-6)
    assert res.q == pytest.approx(q, rel=1e-6)


def test_zero_variance_is_not_estimable_with_the_reason():
    with pytest.raises(NotEstimable, match=r"Study 2.*zero sampling variance"):
        pool([0.1, 0.2], [0.1, 0.0])


def test_a_variance_whose_weight_overflows_is_not_estimable():
    with pytest.raises(NotEstimable, match=r"trial B.*weight 1/v overflows"):
        pool([0.1, 0.2], [0.1, 1e-320], labels=["trial A", "trial B"])


def test_an_infinite_variance_is_not_estimable():
    with pytest.raises(NotEstimable, match="not a finite number"):
        pool([0.1, 0.2], [0.1, math.inf])


def test_reml_that_does_not_converge_falls_back_to_dl_and_says_so(monkeypatch):
    # Two iterations cannot reach 1e-10 from the DL start on dat.bcg-like spread.
    monkeypatch.setattr(_wls, "REML_MAX_ITER", 2)
    yi, vi = [-0.89, -1.59, -1.35, -1.44, -0.22, -0.79], [0.33, 0.19, 0.42, 0.02, 0.05, 0.01]
    res = pool(yi, vi, method="REML")
    assert res.method == "DL"
    assert res.tau2 == pytest.approx(pool(yi, vi, method="DL").tau2)
    assert any("REML did not converge" in note and "DerSimonian" in note for note in res.notes)


def test_reml_not_converging_is_an_error_from_the_estimator(monkeypatch):
    monkeypatch.setattr(_wls, "REML_MAX_ITER", 2)
    with pytest.raises(_wls.NotConverged, match="did not converge in 2 iterations"):
        _wls.tau2_reml([-0.89, -1.59, -0.22, -0.79], [0.33, 0.19, 0.05, 0.01], [(1.0,)] * 4)


def test_egger_says_when_its_fit_does_not_converge(monkeypatch):
    monkeypatch.setattr(_wls, "REML_MAX_ITER", 1)
    yi = [0.1 * i * (-1) ** i for i in range(12)]
    vi = [0.01 + 0.05 * i for i in range(12)]
    res = regtest(yi, vi)
    assert not res.assessable and "did not converge" in res.note


extreme_variance = st.floats(min_value=1e-300, max_value=1e300, allow_nan=False)
effect = st.floats(min_value=-50, max_value=50, allow_nan=False)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(effect, extreme_variance), min_size=2, max_size=8))
def test_reml_with_extreme_variances_converges_or_says_why(data):
    yi, vi = [y for y, _ in data], [v for _, v in data]
    x = [(1.0,)] * len(yi)
    try:
        tau2, iterations = _wls.tau2_reml(yi, vi, x)
    except NotEstimable as problem:  # includes NotConverged
        assert str(problem)
        return
    assert math.isfinite(tau2) and tau2 >= 0.0
    assert 1 <= iterations <= _wls.REML_MAX_ITER


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(effect, extreme_variance), min_size=2, max_size=8),
    st.sampled_from(["FE", "DL", "REML"]),
)
def test_pooling_extreme_variances_gives_a_result_or_a_reason(data, method):
    yi, vi = [y for y, _ in data], [v for _, v in data]
    try:
        res = pool(yi, vi, method=method)
    except NotEstimable as problem:
        assert "not estimable" in str(problem) or "did not converge" in str(problem)
        return
    for value in (res.beta, res.se, res.tau2, res.q, res.i2, res.ci_lb, res.ci_ub):
        assert math.isfinite(value)
    assert res.ci_lb <= res.beta <= res.ci_ub
    assert 0.0 <= res.i2 <= 100.0


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=1, max_value=10**9),
    st.integers(min_value=0, max_value=10**9),
    st.integers(min_value=1, max_value=10**9),
    st.integers(min_value=0, max_value=10**9),
    st.sampled_from(["RR", "OR", "RD"]),
    st.sampled_from(["DL", "REML"]),
)
def test_valid_counts_never_crash(n1, e1, n2, e2, measure, method):
    tables = [(min(e1, n1), n1, min(e2, n2), n2), (1, 3, 2, 3), (e1 % 7, 7, e2 % 5, 5)]
    try:
        res = pool_tables(tables, measure=measure, method=method)
    except NotEstimable as problem:
        assert str(problem)
        return
    except ValueError as problem:  # nothing estimable at all
        assert "no study has an estimable" in str(problem)
        return
    assert math.isfinite(res.beta) and math.isfinite(res.se) and res.tau2 >= 0.0


def test_closed_form_traces_stay_positive_when_one_weight_dominates():
    w = [5e13, 1.2]
    tr_p, tr_pp = _wls._traces(w, INTERCEPT, ((0.0,),))
    off_diagonal = 5e13 * 1.2 / (5e13 + 1.2)  # P = [[a, -a], [-a, a]] with a = w1·w2/S
    assert tr_p == pytest.approx(2 * off_diagonal, rel=1e-12)
    assert tr_pp == pytest.approx(4 * off_diagonal**2, rel=1e-12)


@pytest.mark.parametrize("effect", ["rr", "or", "rd"])
@pytest.mark.parametrize("method", ["dl", "reml"])
def test_pool_command_handles_ten_million_per_arm(tmp_path, effect, method):
    # issue 18 item 5: this catalog made `stemcell pool` raise ZeroDivisionError
    write_two_arm(tmp_path, "huge", 9999999, 10000000, 9999999, 10000000)
    write_two_arm(tmp_path, "small", 1, 3, 2, 3)
    args = ("pool", "--studies-dir", str(tmp_path), "--measure", "tuberculosis")
    result = invoke(*args, "--json", "--effect", effect, "--method", method)
    assert result.exit_code == 0, result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    body = json.loads(result.stdout)
    assert body["k"] == 2 and body["pooled"]["tau2"] == 0.0
    assert body["pooled"]["lower"] <= body["pooled"]["estimate"] <= body["pooled"]["upper"]


def test_reml_that_zigzags_converges_to_the_root():
    # Plain Fisher scoring zigzags around tau² here: metafor's rma() stops with "Fisher
    # scoring algorithm did not converge", and stemcell used to return 0 after 1,000 steps.
    # [R] the root of the REML score y'PPy − tr(P), found directly (R 4.2.2, metafor 3.8-1):
    #   k <- 200; i <- 1:k; yi <- 0.5*sin(i); vi <- 0.01 + ((i*37) %% 100)/100
    #   score <- function(t2) { W <- diag(1/(vi+t2)); X <- matrix(1, k, 1)
    #     P <- W - W %*% X %*% solve(t(X) %*% W %*% X) %*% t(X) %*% W
    #     c(t(yi) %*% P %*% P %*% yi) - sum(diag(P)) }
    #   root <- uniroot(score, c(0, 1), tol=1e-14)$root          0.0277954234484
    #   r <- rma(yi, vi, tau2=root)   beta -0.0205461973476 se 0.0380918494027 I2 12.3197380281
    #   logLik at 0: -147.647255178, at the root: -139.96036046 (the root is the maximum)
    yi = [0.5 * math.sin(i) for i in range(1, 201)]
    vi = [0.01 + (i * 37 % 100) / 100 for i in range(1, 201)]
    tau2, iterations = _wls.tau2_reml(yi, vi, [(1.0,)] * 200)
    assert tau2 == pytest.approx(0.0277954234484, rel=1e-9)
    assert iterations < 50
    res = pool(yi, vi, measure="MD")
    assert res.method == "REML" and res.notes == ()
    assert (res.beta, res.se, res.i2) == pytest.approx(
        (-0.0205461973476, 0.0380918494027, 12.3197380281), rel=1e-8
    )

"""Subgroups (RevMan's test for subgroup differences) and leave-one-out, against metafor.

Sources of the reference figures:

[infl] wviechtb/metafor tests/testthat/test_misc_influence.r, "leave1out() works for rma()":
       dat.bcg, RR, REML, first study left out: estimate -0.707083788031436,
       se 0.189961024702717, ci -1.07940055491509 -0.334767021147788, Q 151.582572747109,
       tau2 0.336156745300306, I2 93.2259349111223, H2 14.762184698253.
[R]    computed locally with R 4.2.2, metafor 3.8-1 (ctl <- list(threshold=1e-12)):

    dat <- escalc(measure="RR", ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg)
    for (meth in c("DL","REML")) {
      fits <- lapply(c("random","alternate","systematic"), function(g)
        rma(yi, vi, data=dat, subset=alloc==g, method=meth, control=ctl))
      b <- rma(yi=sapply(fits, function(f) c(f$beta)), sei=sapply(fits, function(f) f$se),
               method="FE")                       # RevMan's test: Q between the subgroups
      m <- rma(yi, vi, mods=~alloc, data=dat, method=meth, control=ctl) }  # metafor's Q_M
      DL   random -1.004161354 se 0.3621067987 tau2 0.7630627544 (k 7)
           alternate -0.5407929618 se 0.2816016131 tau2 0.1325770399 (k 2)
           systematic -0.43934658 se 0.3133379136 tau2 0.2849706818 (k 4)
           between Q 1.536768872 p 0.4637617001 I2 0    (metafor Q_M 1.434912452)
      REML random -0.9709647043 se 0.275956103 tau2 0.3925280069
           alternate -0.5407929618 se 0.2816016131 tau2 0.1325770399
           systematic -0.4242073915 se 0.3597452324 tau2 0.4003458802
           between Q 1.861444946 p 0.3942687589 I2 0    (metafor Q_M 1.767511402)
    l <- leave1out(rma(yi, vi, data=dat, control=ctl))     # LEAVE1OUT below, per study
    l <- leave1out(rma(yi, vi, data=dat, test="knha", method="DL"))   # first three studies
      est -0.7051251984 -0.6545158751 -0.6848417487  se 0.1933646119 0.1815666049 0.1884072462
      ci.lb -1.13071784 -1.054141278 -1.099523302  ci.ub -0.2795325572 -0.2548904721
      -0.2701601957  p 0.003843432292 0.004134840763 0.003922885635
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_synthesis_pooling import BCG
from twoarm import BCG as BCG_TRIALS

from stemcell_cli.synthesis import escalc, pool
from stemcell_cli.synthesis.effects import Table2x2
from stemcell_cli.synthesis.subgroups import leave_one_out, pool_subgroups, subgroup_test

ALLOC = ["random"] * 4 + ["alternate"] * 2 + ["random"] * 3 + ["systematic"] * 4
R10 = 1e-9


def bcg_rr() -> tuple[list[float], list[float]]:
    effects = [escalc("RR", Table2x2(*counts)) for counts in BCG]
    return [e.yi for e in effects if e], [e.vi for e in effects if e]


SUBGROUPS = {
    "DL": (
        [
            (-1.004161354, 0.3621067987, 0.7630627544, 7),
            (-0.5407929618, 0.2816016131, 0.1325770399, 2),
            (-0.43934658, 0.3133379136, 0.2849706818, 4),
        ],
        (1.536768872, 0.4637617001),
    ),
    "REML": (
        [
            (-0.9709647043, 0.275956103, 0.3925280069, 7),
            (-0.5407929618, 0.2816016131, 0.1325770399, 2),
            (-0.4242073915, 0.3597452324, 0.4003458802, 4),
        ],
        (1.861444946, 0.3942687589),
    ),
}


@pytest.mark.parametrize("method", ["DL", "REML"])
def test_subgroups_by_allocation_follow_revman(method):
    yi, vi = bcg_rr()
    res = pool_subgroups(yi, vi, ALLOC, measure="RR", method=method)
    assert [name for name, _ in res.groups] == ["random", "alternate", "systematic"]
    want_groups, (q, p) = SUBGROUPS[method]
    for (_, sub), (beta, se, tau2, k) in zip(res.groups, want_groups, strict=True):
        assert sub.k == k
        assert (sub.beta, sub.se, sub.tau2) == pytest.approx((beta, se, tau2), rel=R10)
    assert res.test is not None
    assert (res.test.q, res.test.p) == pytest.approx((q, p), rel=1e-8)
    assert res.test.df == 2 and res.test.i2 == 0.0
    assert "RevMan" in res.test.method
    assert res.overall.k == 13
    assert res.overall.beta == pytest.approx(pool(yi, vi, method=method).beta)


def test_subgroup_test_i2_when_subgroups_differ():
    # two subgroups 1.0 apart with SE 0.1: Q = 1/(0.01 + 0.01) = 50, I² = (50 − 1)/50
    test = subgroup_test([0.0, 1.0], [0.1, 0.1])
    assert test.q == pytest.approx(50.0) and test.df == 1
    assert test.i2 == pytest.approx(98.0) and test.p < 1e-11


def test_one_subgroup_has_no_test_and_a_single_study_subgroup_takes_part():
    yi, vi = bcg_rr()
    one = pool_subgroups(yi, vi, ["all"] * len(yi))
    assert one.test is None and len(one.groups) == 1
    groups = ["solo"] + ["rest"] * (len(yi) - 1)
    res = pool_subgroups(yi, vi, groups, method="REML")
    solo = res.groups[0][1]
    assert solo.k == 1 and solo.beta == yi[0] and solo.se == pytest.approx(vi[0] ** 0.5)
    assert res.test is not None and res.test.df == 1


def test_subgroups_need_one_group_per_study():
    with pytest.raises(ValueError, match="each study needs its subgroup"):
        pool_subgroups([0.1, 0.2], [0.1, 0.1], ["a"])


LEAVE1OUT = {
    "estimate": [
        -0.7070837847,
        -0.6540312003,
        -0.6855544108,
        -0.6284093698,
        -0.7641700951,
        -0.7108765556,
        -0.6552475998,
        -0.7947676045,
        -0.7411972993,
        -0.6530329153,
        -0.7578586267,
        -0.7598120993,
        -0.7775361849,
    ],
    "se": [
        0.1899610145,
        0.1806953862,
        0.1857061967,
        0.1766188918,
        0.1917876447,
        0.2002540484,
        0.1804733692,
        0.179877686,
        0.1966749177,
        0.1842674879,
        0.1957868661,
        0.1820909819,
        0.1855359774,
    ],
    "ci_lb": [
        -1.079400532,
        -1.008187649,
        -1.049531868,
        -0.9745760367,
        -1.140066972,
        -1.103367278,
        -1.008968904,
        -1.147321391,
        -1.126673055,
        -1.014190555,
        -1.141593833,
        -1.116703866,
        -1.141180018,
    ],
    "ci_ub": [
        -0.3347670378,
        -0.2998747511,
        -0.3215769535,
        -0.2822427029,
        -0.3882732188,
        -0.3183858329,
        -0.301526296,
        -0.4422138184,
        -0.3557215439,
        -0.2918752755,
        -0.3741234205,
        -0.4029203328,
        -0.4138923514,
    ],
    "q": [
        151.5825727,
        145.3176077,
        150.1970445,
        96.56259497,
        151.3200089,
        128.1866647,
        145.8296381,
        67.9858115,
        152.2050607,
        139.8270733,
        151.4655045,
        150.7868345,
        149.7884238,
    ],
    "tau2": [
        0.3361567018,
        0.292583084,
        0.3207379296,
        0.2627581481,
        0.3278032604,
        0.3595540704,
        0.2930258698,
        0.2731829294,
        0.3494520098,
        0.2987245046,
        0.3404882878,
        0.3081622148,
        0.3037333664,
    ],
    "i2": [
        93.22593409,
        92.25395547,
        92.9354118,
        90.41246393,
        92.76343577,
        90.91180754,
        92.27771772,
        87.03136274,
        93.21326204,
        92.23223094,
        91.81095192,
        92.67820596,
        92.34440055,
    ],
    "h2": [
        14.76218292,
        12.90981476,
        14.15510673,
        10.43020848,
        13.81871242,
        11.00328811,
        12.94953958,
        7.710910406,
        14.73461927,
        12.8737092,
        12.21143154,
        13.65785483,
        13.06233439,
    ],
}


def test_leave_one_out_matches_metafor_leave1out():
    yi, vi = bcg_rr()
    labels = [f"{name} {year}" for name, year, *_ in BCG_TRIALS]
    rows = leave_one_out(yi, vi, labels=labels, measure="RR", method="REML")
    assert [row.omitted for row in rows] == labels
    for field, want in LEAVE1OUT.items():
        name = "beta" if field == "estimate" else field
        got = [getattr(row.pooled, name) for row in rows]
        assert got == pytest.approx(want, rel=R10), field
    assert all(row.pooled.k == 12 for row in rows)
    assert all(labels[i] not in [s.label for s in rows[i].pooled.studies] for i in range(13))


def test_leave_one_out_first_row_as_metafors_own_test():
    # [infl] metafor's default threshold: agreement to its test tolerance (about 1e-6)
    yi, vi = bcg_rr()
    first = leave_one_out(yi, vi)[0].pooled
    assert first.beta == pytest.approx(-0.707083788031436, rel=1e-6)
    assert first.se == pytest.approx(0.189961024702717, rel=1e-6)
    assert (first.ci_lb, first.ci_ub) == pytest.approx(
        (-1.07940055491509, -0.334767021147788), rel=1e-6
    )
    assert first.q == pytest.approx(151.582572747109, rel=1e-9)
    assert first.tau2 == pytest.approx(0.336156745300306, rel=1e-5)
    assert first.i2 == pytest.approx(93.2259349111223, rel=1e-6)
    assert first.h2 == pytest.approx(14.762184698253, rel=1e-5)


def test_leave_one_out_with_knha_keeps_the_interval_method():
    yi, vi = bcg_rr()
    rows = leave_one_out(yi, vi, measure="RR", method="DL", ci="hksj")[:3]
    got = [(r.pooled.beta, r.pooled.se, r.pooled.ci_lb, r.pooled.ci_ub, r.pooled.p) for r in rows]
    want = [
        (-0.7051251984, 0.1933646119, -1.13071784, -0.2795325572, 0.003843432292),
        (-0.6545158751, 0.1815666049, -1.054141278, -0.2548904721, 0.004134840763),
        (-0.6848417487, 0.1884072462, -1.099523302, -0.2701601957, 0.003922885635),
    ]
    for g, w in zip(got, want, strict=True):
        assert g == pytest.approx(w, rel=R10)
    assert all(r.pooled.test_df == 11 for r in rows)


def test_leave_one_out_needs_two_studies():
    with pytest.raises(ValueError, match="at least two studies"):
        leave_one_out([0.1], [0.1])


@given(
    st.lists(
        st.tuples(
            st.floats(min_value=-2, max_value=2, allow_nan=False),
            st.floats(min_value=1e-3, max_value=2, allow_nan=False),
            st.sampled_from(["a", "b", "c"]),
        ),
        min_size=2,
        max_size=10,
    )
)
def test_subgroups_partition_the_studies(data):
    yi, vi, groups = [d[0] for d in data], [d[1] for d in data], [d[2] for d in data]
    res = pool_subgroups(yi, vi, groups, measure="MD", method="DL")
    assert sum(sub.k for _, sub in res.groups) == len(yi)
    if res.test is not None:
        assert res.test.q >= 0.0 and 0.0 <= res.test.p <= 1.0 and 0.0 <= res.test.i2 <= 100.0
        assert res.test.df == len(res.groups) - 1
    rows = leave_one_out(yi, vi, measure="MD", method="DL")
    assert len(rows) == len(yi) and all(r.pooled.k == len(yi) - 1 for r in rows)

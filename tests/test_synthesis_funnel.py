"""Egger's regression test (metafor regtest default) against metafor.

[pub_bias] wviechtb/metafor tests/testthat/test_misc_pub_bias.r:
    res <- rma(measure="OR", ai=ai, n1i=n1i, ci=ci, n2i=n2i, data=dat.egger2001)
    sav <- regtest(res); expect_equivalent(round(sav$zval, 4), -4.6686)
[R] computed locally with R 4.2.2, metafor 3.8-1:
    dat <- escalc(measure="RR", ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg)
    sav <- regtest(rma(yi, vi, data=dat))
    cat(sav$zval, sav$pval, sav$est, sav$ci.lb, sav$ci.ub)
      bcg zval -0.8033291121 pval 0.4217845357 est -0.5104318838 -1.118224045 0.09736027732
    (same for dat.egger2001)
      egger2001 zval -4.66864946 pval 3.031861737e-06 est 0.04191809778 -0.1604445071
      0.2442807026
"""

from __future__ import annotations

import pytest
from test_synthesis_pooling import BCG

from stemcell_cli.synthesis import Table2x2, escalc, regtest

# dat.egger2001 (magnesium trials): (ai, n1i, ci, n2i)
EGGER2001 = [
    (1, 40, 2, 36),
    (9, 135, 23, 135),
    (2, 200, 7, 200),
    (1, 48, 1, 46),
    (10, 150, 8, 148),
    (1, 59, 9, 56),
    (1, 25, 3, 23),
    (0, 22, 1, 21),
    (6, 76, 11, 75),
    (1, 27, 7, 27),
    (2, 89, 12, 80),
    (5, 23, 13, 33),
    (4, 130, 8, 122),
    (90, 1159, 118, 1157),
    (4, 107, 17, 108),
    (2216, 29011, 2103, 29039),
]


def effects(tables, measure):
    pairs = [escalc(measure, Table2x2(*t)) for t in tables]
    return [p.yi for p in pairs], [p.vi for p in pairs]


def test_egger_on_magnesium_trials_matches_metafor_test():
    result = regtest(*effects(EGGER2001, "OR"))
    assert result.assessable and result.k == 16
    assert round(result.z, 4) == -4.6686  # [pub_bias]
    assert result.p == pytest.approx(3.031861737e-06, rel=1e-3)  # [R]
    assert result.limit == pytest.approx(0.04191809778, rel=1e-4)
    assert result.limit_lower == pytest.approx(-0.1604445071, rel=1e-4)
    assert result.limit_upper == pytest.approx(0.2442807026, rel=1e-4)
    assert "metafor regtest" in result.method


def test_egger_on_bcg_matches_metafor():
    result = regtest(*effects(BCG, "RR"))  # [R]
    assert result.z == pytest.approx(-0.8033291121, rel=1e-5)
    assert result.p == pytest.approx(0.4217845357, rel=1e-5)
    assert result.limit == pytest.approx(-0.5104318838, rel=1e-5)


def test_fewer_than_ten_studies_is_not_assessable():
    yi, vi = effects(BCG[:9], "RR")
    result = regtest(yi, vi)
    assert not result.assessable
    assert result.z is None and result.p is None
    assert "not assessable" in result.note and "9 studies" in result.note


def test_equal_standard_errors_cannot_be_regressed():
    result = regtest([0.1 * i for i in range(10)], [0.04] * 10)
    assert not result.assessable and "same SE" in result.note
    with pytest.raises(ValueError, match="same length"):
        regtest([0.1], [0.1, 0.2])

"""A ``--data`` table to pooled effects, end to end against the metafor figures of the
synthesis tests (the same data, read from CSV and JSON lines)."""

from __future__ import annotations

import pytest
from test_synthesis_continuous import HR, NORMAND
from test_synthesis_intervals import NORMAND_FITS
from test_synthesis_subgroups import ALLOC, SUBGROUPS
from twoarm import BCG

from stemcell_cli.analysis.data_effects import table_effects
from stemcell_cli.analysis.data_file import parse_data
from stemcell_cli.errors import StemcellError, UsageError
from stemcell_cli.synthesis import pool, pool_subgroups


def normand_csv() -> str:
    lines = ["study,mean_exp,sd_exp,n_exp,mean_ctl,sd_ctl,n_ctl"]
    lines += [
        f"S{i},{m1},{s1},{n1},{m2},{s2},{n2}"
        for i, (n1, m1, s1, n2, m2, s2) in enumerate(NORMAND, 1)
    ]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("key", [k for k in NORMAND_FITS if k[1] == "DL"])
def test_means_from_csv_pool_as_metafor(key):
    measure, method, ci = key
    found = table_effects(parse_data(normand_csv(), source="normand.csv"), measure)
    assert found.labels == tuple(f"S{i}" for i in range(1, 10)) and not found.log_scale
    res = pool(found.yi, found.vi, measure=measure, method=method, ci=ci, labels=found.labels)
    want = NORMAND_FITS[key]
    got = (res.beta, res.se, res.ci_lb, res.ci_ub, res.z, res.p, res.tau2, res.pi_lb, res.pi_ub)
    assert got == pytest.approx(want, rel=1e-9)


@pytest.mark.parametrize("method", ["DL", "REML"])
def test_counts_with_a_subgroup_column_give_revmans_subgroup_test(method):
    lines = ["study,events_exp,total_exp,events_ctl,total_ctl,subgroup"]
    lines += [
        f"{name} {year},{a},{n1},{c},{n2},{group}"
        for (name, year, a, n1, c, n2), group in zip(BCG, ALLOC, strict=True)
    ]
    table = parse_data("\n".join(lines) + "\n", source="bcg.csv")
    found = table_effects(table, "RR")
    assert found.log_scale and found.subgroups == tuple(ALLOC)
    res = pool_subgroups(
        found.yi, found.vi, found.subgroups, labels=found.labels, measure="RR", method=method
    )  # type: ignore[arg-type]
    assert res.test is not None
    assert (res.test.q, res.test.p) == pytest.approx(SUBGROUPS[method][1], rel=1e-8)


def test_published_hazard_ratios_from_json_lines():
    text = "".join(
        f'{{"study": "T{i}", "estimate": {hr}, "lower": {lo}, "upper": {hi}}}\n'
        for i, (hr, lo, hi) in enumerate(HR)
    )
    found = table_effects(parse_data(text, source="hr.jsonl", ratio=True), "HR")
    res = pool(found.yi, found.vi, measure="HR", labels=found.labels)
    assert res.estimate == pytest.approx(0.4837442047, rel=1e-8)


def test_yi_vi_pass_through_and_double_zero_tables_are_named():
    found = table_effects(parse_data("study,yi,vi\nA,-0.5,0.1\n"), "OR")
    assert found.yi == (-0.5,) and found.vi == (0.1,) and found.log_scale
    text = "study,events_exp,total_exp,events_ctl,total_ctl\nA,0,10,0,12\nB,2,10,5,10\n"
    counts = table_effects(parse_data(text), "RR")
    assert counts.labels == ("B",) and counts.excluded == ("A",)
    with pytest.raises(StemcellError, match="no row has an estimable OR"):
        table_effects(
            parse_data("study,events_exp,total_exp,events_ctl,total_ctl\nA,0,1,0,1\n"), "OR"
        )


def test_a_measure_that_does_not_fit_the_table_is_a_usage_error():
    with pytest.raises(UsageError, match="--effect smd does not fit a table of counts") as caught:
        table_effects(
            parse_data("study,events_exp,total_exp,events_ctl,total_ctl\nA,1,9,2,9\n"), "SMD"
        )
    assert caught.value.exit_code == 2
    with pytest.raises(UsageError, match="use md, smd"):
        table_effects(parse_data(normand_csv()), "RR")


def test_a_row_that_cannot_be_computed_names_its_line():
    text = "study,mean_exp,sd_exp,n_exp,mean_ctl,sd_ctl,n_ctl\nA,1,1,10,2,1,10\nB,1,1,2,2,1,1\n"
    with pytest.raises(StemcellError, match=r"x\.csv: line 3 \(B\): not estimable: Hedges' g"):
        table_effects(parse_data(text, source="x.csv"), "SMD")
    with pytest.raises(StemcellError, match=r"line 2 .*must be above 0"):
        table_effects(parse_data("study,estimate,lower,upper\nA,0.5,-1,1\n", source="x.csv"), "HR")

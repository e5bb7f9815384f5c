"""A policy version retiring a figure: hidden under it, still computed under the versions before."""

import json
from pathlib import Path

import pytest
from metric_fixture import PERIOD, metric_data

from irdesk.cli.main import main
from irdesk.domain.metrics.definitions import metric_definitions
from irdesk.domain.metrics.figures import compute_figures
from irdesk.domain.metrics.tables import figure_tables, figures_json
from irdesk.domain.policy import Policy, PolicyError
from irdesk.reports.charts import dashboard_charts
from irdesk.storage.database import open_database
from irdesk.storage.records.policies import save_policy

RETIRING = Policy(
    retired_figures={
        "cost": "finance reports downtime cost now",
        "time_to_acknowledge_target": "acknowledgement is automatic",
    }
)


def test_retired_figures_round_trip_and_older_versions_retire_nothing() -> None:
    assert Policy.from_json(RETIRING.to_json()) == RETIRING
    # A version retiring nothing is written as one saved before figures could be retired.
    older = Policy().to_dict()
    assert "retired_figures" not in older
    assert Policy.from_dict(older).retired_figures == {}


@pytest.mark.parametrize(
    ("retired", "message"),
    [
        ({"cost": "  "}, "retired_figures.cost: say why the figure is retired"),
        ({"velocity": "gone"}, "retired_figures: 'velocity' is not one of"),
        ({"time_to_resolve": "gone"}, "time_to_resolve is the primary KPI"),
    ],
)
def test_a_retirement_needs_a_known_figure_and_a_reason(
    retired: dict[str, str], message: str
) -> None:
    with pytest.raises(PolicyError, match=message):
        Policy(retired_figures=retired)


def test_a_retired_figure_leaves_the_tables_under_its_version_only() -> None:
    data = metric_data()
    live = compute_figures(data, Policy(), PERIOD)
    retired = compute_figures(data, RETIRING, PERIOD)
    live_keys = [t.key for t in figure_tables(live)]
    assert "cost" in live_keys
    assert [t.key for t in figure_tables(retired)] == [k for k in live_keys if k != "cost"]
    # Still computed: the figures hold it, only the tables (what is shown) leave it out.
    assert [r.total for r in retired.cost] == [r.total for r in live.cost]
    assert "cost" not in figures_json(retired)["tables"]
    assert "cost" not in metric_definitions(RETIRING)
    tables = {t.key: t for t in figure_tables(retired)}
    columns = [c.key for c in tables["time_to_acknowledge"].columns]
    assert "attainment" not in columns
    assert "attainment" in [c.key for c in tables["time_to_detect"].columns]


def test_a_retired_chart_leaves_the_dashboard() -> None:
    figures = compute_figures(
        metric_data(), Policy(retired_figures={"slo": "moved to SRE"}), PERIOD
    )
    charts = dashboard_charts(figures)
    try:
        assert "slo_burn" not in [c.key for c in charts]
    finally:
        from matplotlib import pyplot

        for chart in charts:
            pyplot.close(chart.figure)


def test_the_policy_history_lists_what_each_version_retired(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "policy.db"
    db = open_database(path)
    try:
        save_policy(db, Policy(), note="the defaults", author="Ana")
        save_policy(db, RETIRING, note="cost moves to finance", author="Bo")
    finally:
        db.close()
    assert main(["metrics", "--db", str(path), "--policy-history", "--format", "json"]) == 0
    history = json.loads(capsys.readouterr().out)
    assert [(v["version"], v["author"], v["note"], v["retired_figures"]) for v in history] == [
        (2, "Bo", "cost moves to finance", dict(sorted(RETIRING.retired_figures.items()))),
        (1, "Ana", "the defaults", {}),
    ]
    assert main(["metrics", "--db", str(path), "--policy-history"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1:3] == [
        "    retired cost: finance reports downtime cost now",
        "    retired time_to_acknowledge_target: acknowledgement is automatic",
    ]
    assert lines[0].startswith("version 2  ") and lines[0].endswith("Bo: cost moves to finance")

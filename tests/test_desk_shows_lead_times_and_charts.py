"""Figures on the desk: open cases and overdue ones per step, lead times per step and per
document type (median and 90th percentile by nearest rank, the same on every database),
as SVG charts with a title and description, each beside a table of the numbers."""

from __future__ import annotations

import datetime
import re

from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task

from tests.desk_support import clear_figures, ks_policy
from tests.lifecycle import english, run_until
from workflows import desk
from workflows.models import Case


def test_percentiles_by_nearest_rank():
    values = [5.0, 1.0, 3.0, 2.0, 4.0, 10.0, 7.0, 6.0, 9.0, 8.0]
    assert desk.percentile(values, 50) == 5.0
    assert desk.percentile(values, 90) == 9.0
    assert desk.percentile([4.0], 90) == 4.0
    assert desk.percentile([1.0, 2.0], 50) == 1.0
    assert desk.percentile([], 50) is None


def test_lead_times_per_step_come_from_the_step_history(town):
    clear_figures()
    case = ks_policy(town, until="union_statement")
    (draft,) = Task.objects.filter(process=case, flow_task__endswith=".draft")
    # The draft took 10 days: the history as if it had been written then.
    Task.objects.filter(pk=draft.pk).update(created=draft.finished - datetime.timedelta(days=10))
    with english():
        steps = {r.label: r for r in desk.step_lead_times()}
    assert steps["Drafting"].count == 1
    assert steps["Drafting"].median == 10.0 and steps["Drafting"].p90 == 10.0


def test_lead_times_per_type_use_closed_cases(town):
    clear_figures()
    closed = ks_policy(town, "Stängd")
    Case.objects.filter(pk=closed.pk).update(
        finished=timezone.now(), created=timezone.now() - datetime.timedelta(days=30)
    )
    ks_policy(town, "Öppen")
    (policy,) = desk.type_lead_times()
    assert (policy.label, policy.count, policy.median) == ("Policy", 1, 30.0)


def test_counts_per_step_with_overdue(town):
    case = ks_policy(town)
    ks_policy(town, "Annan")
    Case.objects.filter(pk=case.pk).update(step_since=timezone.now() - datetime.timedelta(days=200))
    (drafting,) = desk.step_counts()
    assert (drafting.step, drafting.count, drafting.overdue) == ("draft", 2, 1)


def test_the_dashboard_shows_each_chart_with_a_table(town):
    clear_figures()
    case = ks_policy(town)
    run_until(town, case, "decision")
    page = town.desk("registrator").get(reverse("workflows:desk")).content.decode()

    svgs = re.findall(r"<svg[^>]*role=\"img\".*?</svg>", page, flags=re.S)
    assert len(svgs) == 3
    for svg in svgs:
        assert "<title id=" in svg and "<desc id=" in svg
    assert "Lead time per step (days)" in page
    assert "<caption>Lead time per step (days)</caption>" in page
    assert "<caption>Open cases per step</caption>" in page
    assert "Drafting" in svgs[1]  # the completed draft step has a bar


def test_chart_text_is_escaped():
    from workflows.charts import Bar, bar_chart

    svg = bar_chart(
        chart_id="x",
        title="<script>",
        description="d",
        bars=[Bar("<b>", (1.0,))],
        series=["s"],
    )
    assert "<script>" not in svg and "&lt;b&gt;" in svg

"""The demo (load_demo) posts today's KS minutes: the notice board shows them, with the
last day to appeal, and the mandate-period sweep has KS documents reviewed in the period."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from documents import notice_rules
from documents.models import Decision, MandatePeriod
from documents.sweep import progress


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    call_command("load_demo", stdout=io.StringIO())


def test_todays_ks_minutes_are_on_the_demo_notice_board(demo, client):
    today = timezone.localdate()
    response = client.get(reverse("noticeboard"))
    assert response.status_code == 200
    [notice] = [n for n in response.context["current"] if n.anslag_date == today]
    assert notice.body.short_name == "KS"
    assert [d.paragraph for d in notice.decisions] == ["§ 141", "§ 142"]
    assert notice.kept_at == "Kommunkansliet, Stadshuset"
    html = response.content.decode()
    assert notice_rules.last_appeal_day(today).isoformat() in html
    # Registered with dates the law allows.
    for decision in Decision.objects.filter(anslag_date=today):
        assert decision.justering_date <= notice_rules.latest_justering_day(decision.decision_date)
        assert today <= notice_rules.latest_anslag_day(decision.justering_date)
        assert decision.legal_force_date == notice_rules.legal_force_day(today)

    ks = next(p for p in progress(MandatePeriod.current(today)) if p.body.short_name == "KS")
    assert ks.done >= 2  # § 141 and § 142, adopted today

"""A preparation task says which body prepares (KSAU, then KS), on the task page and in the
secretary's inbox; a union representative's task says which union they answer for."""

from __future__ import annotations

from django.urls import reverse

from tests.lifecycle import run_until

KSAU = "Kommunstyrelsens arbetsutskott (KSAU)"
KS = "Kommunstyrelsen (KS)"


def _program(town):
    return town.desk("hrstrateg").start_document(
        document_type=town.types["program"],
        title="Program för kompetensförsörjning",
        scope_unit=town.units["top"],
        owner_position=town.positions["hrstrateg"],
    )


def _row(desk, case):
    return next(r for r in desk.inbox().context["rows"] if r["diarienummer"] == case.diarienummer)


def test_the_preparing_body_is_named_for_ksau_then_ks(town):
    case = _program(town)
    task = run_until(town, case, "preparation")
    ksau = town.desk("sekr_ksau")
    assert _row(ksau, case)["preparing_body"] == KSAU
    assert f"Prepared by {KSAU}" in ksau.inbox().content.decode()
    page = ksau.get(reverse("workflows:task", args=[task.pk])).content.decode()
    assert f"Prepared by {KSAU}" in page

    ksau.do(
        case, "preparation", meeting_date=task.created.date(), paragraph="§ 1", outcome="forwarded"
    )
    ks = town.desk("sekr_ks")
    assert _row(ks, case)["preparing_body"] == KS
    task, page = ks.open(case, "preparation")
    before_the_picture = page.content.decode().split("Where the case is")[0]
    assert f"Prepared by {KS}" in before_the_picture
    assert KSAU not in before_the_picture


def test_other_tasks_name_no_preparing_body(town):
    case = _program(town)
    author = town.desk("hrstrateg")
    assert _row(author, case)["preparing_body"] == ""
    assert "Prepared by" not in author.inbox().content.decode()


def test_a_union_representative_sees_the_union_they_answer_for(town):
    hr = town.desk("hrstrateg")
    case = hr.start_document(
        document_type=town.types["policy"],
        title="Arbetsgivarpolicy",
        scope_unit=town.units["top"],
        owner_position=town.positions["hrstrateg"],
    )
    hr.do(case, "draft", body="<p>Text</p>")
    vision = town.desk("vision_central")
    assert _row(vision, case)["union"] == "Vision"
    assert "You answer for Vision" in vision.inbox().content.decode()
    _task, page = vision.open(case, "union_statement")
    assert "You answer for Vision" in page.content.decode()
    assert "You answer for Kommunal" not in page.content.decode()
    # The author's own inbox row for another step names no union.
    assert "You answer for" not in hr.get(reverse("home")).content.decode()

"""A rutin of a process is adopted by the process owner, who need not be a line chief."""

from __future__ import annotations

from documents.dates import add_months
from documents.models import DocumentStatus
from tests.lifecycle import decisions, open_steps, open_tasks, refresh, tasks_ever, today


def test_the_process_owner_adopts_a_rutin_of_the_process(town):
    author = town.desk("hrstrateg")
    case = author.start_document(
        document_type=town.types["rutin"],
        title="Rutin för introduktion av nyanställda",
        scope_unit=town.units["top"],
        process=town.process,
        owner_position=town.positions["processagare"],
    )
    # Both the municipal chief (chief of the scope) and the process owner may adopt it;
    # the process owner is the natural choice and the default.
    assert case.decider_position == town.positions["processagare"]
    decider_field = author.open(case, "draft")[1].context["form"].fields["decider"]
    keys = [key for key, _label in decider_field.choices]
    assert keys == [
        f"position:{town.positions['processagare'].pk}",
        f"position:{town.positions['kommunchef'].pk}",
    ]

    author.do(case, "draft", body="<ol><li>Välkomstsamtal.</li></ol>")
    for task in open_tasks(case, "union_statement"):
        town.desk(task.owner).do(case, "union_statement", stance="no_objections")
    town.desk("kommunchef").do(
        case,
        "samverkan_meeting",
        meeting_date=today(),
        agreement="agreement",
        minutes_reference="Protokoll CSG § 9",
    )
    assert open_steps(case) == ["decision"]
    town.desk("processagare").do(
        case, "decision", outcome="adopted", decision_date=today(), valid_from=today()
    )
    town.desk("registrator").do(case, "registration")

    case = refresh(case)
    assert case.outcome == "published"
    assert not tasks_ever(case, "proposal")
    [decision] = decisions(case)
    assert decision.position == town.positions["processagare"]
    assert decision.recorded_by == town.users["processagare"]
    document = case.document
    document.refresh_from_db()
    assert document.status == DocumentStatus.VALID
    assert document.process == town.process
    assert document.current_version.next_review == add_months(today(), 24)

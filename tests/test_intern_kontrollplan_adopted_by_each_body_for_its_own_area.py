"""Essunga's intern kontrollplan: KS adopts it for KS's own administration, each nämnd for its
own area and each company board for its own company. Entered as data (three rules, each
"only for its own area"), only the body of the scope is offered and allowed: in the rule
service, in the drafting form's *Beslutas av*, in the decision step, and the admin refuses the
combinations that cannot mean anything.

The municipality is ``build_municipality``'s: Ådalens kommun (responsible body KS), Sektor
Utbildning and below (BUN), Ådalens Energi AB (the company board); a Kommunledningskontoret
under the top unit is added here, inheriting KS.
"""

from __future__ import annotations

import pytest
from django.utils import translation

from documents import rules
from documents.models import AdoptionRule, DeciderKind, DocumentType
from tests.factories import UnitFactory
from tests.lifecycle import english, open_tasks, refresh, run_until, shows, snapshot, today
from workflows.actions.drafting import save_draft
from workflows.actions.tasks import complete_task
from workflows.refusals import NotAllowed

PLANS = "Interna kontrollplaner"
ESSUNGA_RULES = [
    DeciderKind.EXECUTIVE_BOARD,
    DeciderKind.RESPONSIBLE_COMMITTEE,
    DeciderKind.COMPANY_BOARD,
]


def intern_kontrollplan(*, ks_own_area: bool = True) -> DocumentType:
    plan = DocumentType.objects.create(
        code="intern-kontrollplan",
        name="Intern kontrollplan",
        name_plural=PLANS,
        samverkan_required=False,
        review_interval_months=12,
    )
    for decider in ESSUNGA_RULES:
        AdoptionRule.objects.create(
            document_type=plan,
            decider=decider,
            only_own_area=ks_own_area or decider != DeciderKind.EXECUTIVE_BOARD,
        )
    return plan


def add_ks_administration(org):
    return UnitFactory(
        name="Kommunledningskontoret",
        code="klk",
        level=org.levels["sektor"],
        parent=org.units["top"],
    )


@pytest.fixture
def essunga(org_tree):
    org_tree.types["plan"] = intern_kontrollplan()
    org_tree.units["klk"] = add_ks_administration(org_tree)
    return org_tree


# Scope -> the one body that adopts its plan.
OWN_BODY = {
    "top": "KS",
    "klk": "KS",
    "sector": "namnd",
    "area": "namnd",
    "unit": "namnd",
    "company": "bolag",
}


@pytest.mark.parametrize("scope", list(OWN_BODY))
def test_only_the_body_responsible_for_the_scope_may_adopt_its_plan(essunga, scope):
    plan, unit = essunga.types["plan"], essunga.units[scope]
    own = essunga.bodies[OWN_BODY[scope]]

    deciders = rules.allowed_deciders(plan, unit)

    assert [d.body for d in deciders.allowed] == [own]
    assert rules.check_decider(plan, unit, body=own).allowed
    for other in {"KS", "namnd", "bolag", "KF"} - {OWN_BODY[scope]}:
        assert not rules.check_decider(plan, unit, body=essunga.bodies[other]).allowed


def test_ks_refused_for_a_nämnds_unit_is_told_the_own_area_rule_in_swedish(essunga):
    plan = essunga.types["plan"]

    with translation.override("sv"):
        verdict = rules.check_decider(plan, essunga.units["unit"], body=essunga.bodies["KS"])

    assert not verdict.allowed
    assert verdict.reason == (
        "Kommunstyrelsen får inte fastställa detta dokument. "
        "Interna kontrollplaner får fastställas av Kommunstyrelsen bara för dess eget område, "
        "de enheter den ansvarar för; för Förskolan Solrosen ansvarar "
        "Barn- och utbildningsnämnden. "
        "Interna kontrollplaner för Förskolan Solrosen får fastställas av ansvarig nämnd, "
        "Barn- och utbildningsnämnden."
    )


def test_ks_allowed_for_its_own_administration_is_told_why(essunga):
    with translation.override("sv"):
        verdict = rules.check_decider(
            essunga.types["plan"], essunga.units["klk"], body=essunga.bodies["KS"]
        )

    assert verdict.allowed
    assert verdict.reason == (
        "Interna kontrollplaner för Kommunledningskontoret får fastställas av Kommunstyrelsen, "
        "som ansvarar för verksamheten."
    )


def test_a_nämnd_refused_for_the_company_hears_who_adopts_there(essunga):
    with translation.override("sv"):
        verdict = rules.check_decider(
            essunga.types["plan"], essunga.units["company"], body=essunga.bodies["namnd"]
        )

    assert not verdict.allowed
    assert verdict.reason == (
        "Barn- och utbildningsnämnden får inte fastställa detta dokument. "
        "Interna kontrollplaner för Ådalens Energi AB får fastställas av ansvarig "
        "bolagsstyrelse, Styrelsen för Ådalens Energi AB."
    )


def test_without_own_area_on_the_ks_rule_ks_is_offered_for_a_nämnds_plan(org_tree):
    """What the option changes: the rule set as it could be written before."""
    plan = intern_kontrollplan(ks_own_area=False)
    unit = org_tree.units["unit"]

    offered = rules.allowed_deciders(plan, unit).offered

    assert [d.body for d in offered] == [org_tree.bodies["namnd"], org_tree.bodies["KS"]]


def test_when_no_body_is_responsible_ks_is_not_offered_and_that_is_explained(essunga):
    top = essunga.units["top"]
    top.responsible_body = None
    top.save()

    with translation.override("sv"):
        deciders = rules.allowed_deciders(essunga.types["plan"], essunga.units["klk"])

    assert deciders.allowed == []
    assert (
        "Interna kontrollplaner får fastställas av Kommunstyrelsen bara för dess eget område, "
        "de enheter den ansvarar för; inget organ ansvarar för Kommunledningskontoret."
    ) in deciders.unresolved


def test_a_higher_body_may_adopt_only_where_the_limited_rule_reaches(essunga):
    plan = essunga.types["plan"]
    AdoptionRule.objects.filter(document_type=plan, decider=DeciderKind.EXECUTIVE_BOARD).update(
        allow_higher_bodies=True
    )
    kf = essunga.bodies["KF"]

    assert rules.check_decider(plan, essunga.units["klk"], body=kf).allowed
    assert not rules.check_decider(plan, essunga.units["sector"], body=kf).allowed


# --- The case: the drafting form and the decision --------------------------------


@pytest.fixture
def town_plan(town):
    town.types["plan"] = intern_kontrollplan()
    return town


def start_plan(town, scope="sector", author="utvecklare"):
    case = town.desk(author).start_document(
        document_type=town.types["plan"],
        title="Intern kontrollplan 2027",
        scope_unit=town.units[scope],
        owner_position=town.positions[author],
    )
    return refresh(case)


def test_the_drafting_form_offers_only_the_nämnd_and_refuses_ks_if_posted(town_plan):
    town = town_plan
    case = start_plan(town)
    bun, ks = town.bodies["namnd"], town.bodies["KS"]
    assert case.decider_body == bun
    before = snapshot(case)

    task, page = town.desk("utvecklare").open(case, "draft")
    field = page.context["form"].fields["decider"]
    assert [key for key, _label in field.choices] == [f"body:{bun.pk}"]

    response = town.desk("utvecklare").attempt(
        case, "draft", action="save", body="<p>Kontroller</p>", decider=f"body:{ks.pk}"
    )
    assert response.status_code == 400
    assert "decider" in response.context["form"].errors
    assert snapshot(case) == before

    # Posted to the service directly, the refusal names the own-area rule (in Swedish).
    with translation.override("sv"), pytest.raises(NotAllowed) as refused:
        save_draft(user=town.users["utvecklare"], case_id=case.pk, decider=f"body:{ks.pk}")
    assert refused.value.message == (
        "Den valda beslutsfattaren får inte fastställa detta dokument. "
        "Interna kontrollplaner får fastställas av Kommunstyrelsen bara för dess eget område, "
        "de enheter den ansvarar för; för Sektor Utbildning ansvarar "
        "Barn- och utbildningsnämnden. "
        "Interna kontrollplaner för Sektor Utbildning får fastställas av ansvarig nämnd, "
        "Barn- och utbildningsnämnden."
    )
    assert snapshot(case) == before


def test_ks_named_before_the_rule_was_limited_may_not_decide_the_nämnds_plan(town_plan):
    """The draft named KS while the KS rule still reached every unit; the administrator then
    limits it to KS's own area. KS's secretary is refused at the decision, with the rule."""
    town = town_plan
    plan = town.types["plan"]
    ks_rule = AdoptionRule.objects.get(document_type=plan, decider=DeciderKind.EXECUTIVE_BOARD)
    ks_rule.only_own_area = False
    ks_rule.save()
    case = start_plan(town)
    ks = town.bodies["KS"]
    town.desk("utvecklare").complete(
        case, "draft", body="<p>Kontroller</p>", decider=f"body:{ks.pk}"
    )
    assert refresh(case).decider_body == ks
    run_until(town, case, "decision")

    ks_rule.only_own_area = True
    ks_rule.full_clean()
    ks_rule.save()
    before = snapshot(case)
    with english():
        reason = rules.check_decider(plan, town.units["sector"], body=ks).reason
    assert "may be adopted by Kommunstyrelsen only for its own area" in reason

    answers = {"outcome": "adopted", "decision_date": today(), "valid_from": today()}
    response = town.desk("sekr_ks").attempt(case, "decision", paragraph="§ 4", **answers)
    assert response.status_code == 400
    assert list(response.context["form"].non_field_errors()) == [reason]
    assert shows(response, reason)
    assert snapshot(case) == before

    task = open_tasks(case, "decision")[0]
    with english(), pytest.raises(NotAllowed) as refused:
        complete_task(
            user=town.users["sekr_ks"], task_id=task.pk, data={"paragraph": "§ 4", **answers}
        )
    assert refused.value.message == reason
    assert snapshot(case) == before


# --- The admin ------------------------------------------------------------------


def admin_post(*, rules_data: list[dict], code: str = "intern-kontrollplan") -> dict:
    data = {
        "code": code,
        "name": "Intern kontrollplan",
        "name_plural": PLANS,
        "description": "",
        "review_interval_months": "12",
        "review_lead_days": "60",  # the form shows 60: a browser sends it
        "ordering": "95",
        "is_active": "on",
        "adoption_rules-TOTAL_FORMS": str(len(rules_data)),
        "adoption_rules-INITIAL_FORMS": "0",
        "adoption_rules-MIN_NUM_FORMS": "0",
        "adoption_rules-MAX_NUM_FORMS": "1000",
    }
    for i, rule in enumerate(rules_data):
        data[f"adoption_rules-{i}-decider"] = rule["decider"]
        if rule.get("own_area"):
            data[f"adoption_rules-{i}-only_own_area"] = "on"
    return data


ADD_URL = "/admin/documents/documenttype/add/"


def test_an_administrator_enters_essungas_three_rules(admin_client, org_tree):
    response = admin_client.post(
        ADD_URL,
        admin_post(rules_data=[{"decider": d, "own_area": True} for d in ESSUNGA_RULES]),
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    plan = DocumentType.objects.get(code="intern-kontrollplan")
    stored = dict(plan.adoption_rules.values_list("decider", "only_own_area"))
    assert stored == dict.fromkeys(ESSUNGA_RULES, True)
    assert [d.body for d in rules.allowed_deciders(plan, org_tree.units["unit"]).allowed] == [
        org_tree.bodies["namnd"]
    ]


@pytest.mark.parametrize(
    ("decider", "own_area", "message"),
    [
        (
            DeciderKind.COUNCIL,
            True,
            "Beslutsfattaren ”Kommunfullmäktige (KF)” beslutar för hela kommunen: dess eget "
            "område är alla enheter, så ”endast för eget område” skulle inte ändra något. "
            "Ta bort krysset.",
        ),
        (
            DeciderKind.RESPONSIBLE_COMMITTEE,
            False,
            "Beslutsfattaren ”Den nämnd som ansvarar för den verksamhet dokumentet gäller för” "
            "fastställer per definition bara inom sitt eget område; regeln kan inte vidgas till "
            "andra enheter. Kryssa i ”endast för eget område”.",
        ),
    ],
)
def test_the_admin_refuses_a_combination_that_cannot_mean_anything(
    admin_client, db, decider, own_area, message
):
    data = admin_post(
        rules_data=[
            {"decider": DeciderKind.EXECUTIVE_BOARD, "own_area": True},
            {"decider": decider, "own_area": own_area},
        ]
    )

    response = admin_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert not DocumentType.objects.filter(code="intern-kontrollplan").exists()
    [inline] = response.context["inline_admin_formsets"]
    assert inline.formset.errors[1] == {"only_own_area": [message]}
    assert shows(response, message)
    # What the administrator typed is still in the form.
    assert response.context["adminform"].form["name_plural"].value() == PLANS
    assert inline.formset.forms[0]["only_own_area"].value() is True

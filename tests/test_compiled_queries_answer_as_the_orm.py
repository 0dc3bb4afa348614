"""The hot reads of a case's steps, compiled to SQL once per process
(``config.compiled_query``), answer exactly as the ORM querysets they are built from: the
same rows, the same related objects, one query each; odd values (None, an id beyond a
32-bit column) go through the ORM as before, and a lock outside a transaction is refused
where the ORM refuses it."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from viewflow.workflow.models import Task

from config.compiled_query import CompiledQuery
from org import selectors
from org.models import PositionHolding
from tests.factories import SubstitutionFactory
from tests.lifecycle import open_tasks, start_unit_handlingsplan
from workflows.actions import tasks as task_actions
from workflows.actions.tasks import complete_task
from workflows.models import Case
from workflows.refusals import NoSuchTask


def _values(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _started(town) -> Case:
    return start_unit_handlingsplan(town, "Handlingsplan att läsa")


@pytest.mark.parametrize("doer", ["samordnare", "enhetschef"])  # an author, and not
def test_the_steps_lock_reads_the_case_and_its_relations_as_the_orm_does(town, doer):
    case = _started(town)
    task = open_tasks(case)[0]
    user = town.users[doer]
    with transaction.atomic():
        expected = list(task_actions._build_lock_query(task.pk, user.pk))
        with CaptureQueriesContext(connection) as queries:
            locked, locked_task = task_actions._lock_step(task.pk, user)
    assert len(queries.captured_queries) == 1
    assert _values(locked) == _values(expected[0])
    # The task comes with its case, locked with it, its case being the one read.
    assert _values(locked_task) == _values(Task.objects.get(pk=task.pk))
    assert locked_task.process is locked
    # What the step's checks ask of the lock: whether the doer is an author, whether a
    # union demanded an MBL negotiation in the case's round.
    assert locked.authorship_read == (user.pk, doer == "samordnare")
    assert locked.mbl_read == (case.round, expected[0].mbl_demanded_read) == (0, False)
    for path in task_actions.STEP_CASE_RELATED:
        mine, theirs = locked, expected[0]
        for name in path.split("__"):
            assert mine._meta.get_field(name).is_cached(mine), f"{path} read lazily"
            mine, theirs = getattr(mine, name), getattr(theirs, name)
            if mine is None or theirs is None:
                assert mine is theirs
                break
            assert _values(mine) == _values(theirs)


def test_the_steps_lock_is_prepared_on_postgresql_and_answers_the_same_each_time(town):
    # Bound on the server (config.prepared): PostgreSQL plans the 14-table read once per
    # connection instead of at every step. Each run is still one query and the same case.
    case = _started(town)
    task = open_tasks(case)[0]
    user = town.users["samordnare"]
    with transaction.atomic():
        expected = _values(list(task_actions._build_lock_query(task.pk, user.pk))[0])
        for _run in range(8):
            with CaptureQueriesContext(connection) as queries:
                locked = task_actions._lock_step(task.pk, user)[0]
            assert len(queries.captured_queries) == 1
            assert _values(locked) == expected
            assert locked.authorship_read == (user.pk, True)
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    assert any("FOR UPDATE OF" in statement for statement in statements)


def test_the_steps_lock_names_the_task_once_and_has_no_limit(town):
    # PostgreSQL's planner took 13 ms for each custom plan of the lock and 60 ms for its
    # generic plan while the task's id was named twice (in the filtered relation's join
    # and in WHERE) and the read was LIMIT 1; about 4 ms each without. Planning time is
    # not asserted (the machines are noisy): the statement's shape is.
    case = _started(town)
    task = open_tasks(case)[0]
    user = town.users["samordnare"]
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        task_actions._lock_step(task.pk, user)
    sql = queries.captured_queries[0]["sql"]
    assert not re.search(r"LIMIT \d+( FOR UPDATE.*)?$", sql), sql  # EXISTS' own LIMIT aside
    assert len(re.findall(rf'step_task"?\."id" = {task.pk}\b', sql)) == 1, sql


def test_the_positions_a_person_acts_in_are_those_the_orm_finds(town):
    user = town.users["samordnare"]
    held = PositionHolding.objects.filter(user=user).first().position
    substituted = town.positions["enhetschef"]
    today = timezone.localdate()
    SubstitutionFactory(
        user=user, position=substituted, start=today, end=today + datetime.timedelta(days=3)
    )

    acting = selectors._read_acting(user, today)
    expected = list(selectors._acting_query(user.pk, today))

    assert [(a.position.pk, a.as_substitute) for a in acting] == [
        (p.pk, not p.is_held) for p in expected
    ]
    assert (held.pk, False) in [(a.position.pk, a.as_substitute) for a in acting]
    assert (substituted.pk, True) in [(a.position.pk, a.as_substitute) for a in acting]
    assert all(a.position._meta.get_field("unit").is_cached(a.position) for a in acting)
    # Another day, another answer: the day is a parameter, not part of the compiled SQL.
    later = selectors._read_acting(user, today + datetime.timedelta(days=10))
    assert substituted.pk not in [a.position.pk for a in later]


def test_a_task_id_beyond_a_32_bit_column_is_no_such_task(town):
    with pytest.raises(NoSuchTask):
        complete_task(user=town.users["samordnare"], task_id=2**40, data={})


def test_none_is_asked_as_the_orm_asks_it(town):
    query = CompiledQuery(
        lambda user_id: PositionHolding.objects.filter(user_id=user_id), ids=("user_id",)
    )
    assert query.run(user_id=None) == list(PositionHolding.objects.filter(user_id=None))
    user = town.users["samordnare"]
    assert query.run(user_id=user.pk) == list(PositionHolding.objects.filter(user=user))


def _refused(run) -> bool:
    from django.db.transaction import TransactionManagementError

    try:
        run()
    except TransactionManagementError:
        return True
    return False


def test_a_lock_outside_a_transaction_is_refused_where_the_orm_refuses_it(town, monkeypatch):
    case = _started(town)
    task = open_tasks(case)[0]
    user_id = town.users["samordnare"].pk
    task_actions._LOCK_QUERY.run(task_id=task.pk, user_id=user_id)  # compiled, in a transaction
    # As if outside any transaction (pytest-django's own transaction would hide it).
    monkeypatch.setattr(connection, "get_autocommit", lambda: True)

    orm = _refused(lambda: list(task_actions._build_lock_query(task.pk, user_id)))
    compiled = _refused(lambda: task_actions._LOCK_QUERY.run(task_id=task.pk, user_id=user_id))

    assert compiled == orm
    assert orm == (connection.vendor == "postgresql")  # SQLite has no row locks to refuse


def test_a_list_of_ids_is_compiled_once_per_length_and_answers_as_the_orm(town):
    from org.models import Unit

    query = CompiledQuery(
        lambda unit_ids, level_id: (
            Unit.objects.filter(pk__in=unit_ids).exclude(level=level_id).order_by("pk")
        ),
        ids=("level_id",),
        lists=("unit_ids",),
    )
    units = list(Unit.objects.order_by("pk"))
    level = units[0].level_id
    for ids in ([units[-1].pk], [u.pk for u in units[:3]], [units[2].pk, units[0].pk]):
        expected = list(Unit.objects.filter(pk__in=ids).exclude(level=level).order_by("pk"))
        assert [_values(u) for u in query.run(unit_ids=ids, level_id=level)] == [
            _values(u) for u in expected
        ]
    assert sorted(key[1] for key in query._compiled) == [1, 2, 3]
    # What the compiled form does not take is asked of the ORM: none, a repeated id.
    assert query.run(unit_ids=[], level_id=level) == []
    repeated = query.run(unit_ids=[units[1].pk, units[1].pk], level_id=-1)
    assert [u.pk for u in repeated] == [units[1].pk]
    assert sorted(key[1] for key in query._compiled) == [1, 2, 3]


def test_texts_compared_and_as_prefixes_answer_as_the_orm_in_tuples(town):
    from org.models import Unit

    def build(prefix, code):
        return (
            Unit.objects.filter(name__startswith=prefix)
            .exclude(code=code)
            .order_by("pk")
            .values_list("pk", "name")
        )

    query = CompiledQuery(build, ids=(), texts=("prefix", "code"))
    some = Unit.objects.order_by("pk").first()
    Unit.objects.filter(pk=some.pk).update(name="Enhet_100% klar")
    for prefix, code in (("", "x"), ("Enh", some.code), ("Enhet_1", "x"), ("Enhet_100%", "x")):
        assert query.run(prefix=prefix, code=code) == list(build(prefix, code))
    # The wildcards of LIKE in a prefix are taken as the letters they are.
    assert query.run(prefix="Enhet%", code="x") == list(build("Enhet%", "x")) == []
    assert query.run(prefix="Enhet_100%", code="x") == [(some.pk, "Enhet_100% klar")]
    assert len(query._compiled) == 1
    # A value that is not text is asked of the ORM ("IS NULL").
    assert query.run(prefix="Enh", code=None) == list(build("Enh", None))
    assert len(query._compiled) == 1

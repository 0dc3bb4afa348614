"""Every refusal has a name an API client and a test can rely on: a stable snake_case code,
an HTTP status, and a message in Swedish (issue 17)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.utils import translation

from workflows import access, desk_access, refusals

SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
# The access modules whose refusals (``_no(...)``) are read.
ACCESS_FILES = (Path(access.__file__), Path(desk_access.__file__))


def test_every_refusal_class_has_its_own_snake_case_code():
    codes = [cls.code for cls in refusals.all_refusals()]
    assert len(codes) > 50
    assert all(SNAKE.match(code) for code in codes), [c for c in codes if not SNAKE.match(c)]
    assert len(codes) == len(set(codes)), sorted(c for c in codes if codes.count(c) > 1)


def test_every_refusal_has_an_http_status_of_its_kind():
    for cls in refusals.all_refusals():
        assert cls.status in (400, 403, 404, 409), cls
    assert refusals.NotAllowed.status == 403
    assert refusals.Busy.status == 409
    assert refusals.CaseAlreadyOpen.status == 409
    assert refusals.TitleMissing.status == 400
    assert refusals.CaseError is refusals.Refusal


def test_every_refusal_message_is_translated_to_swedish():
    untranslated = []
    for cls in refusals.all_refusals():
        with translation.override("en"):
            english = str(cls.message)
        with translation.override("sv"):
            swedish = str(cls.message)
        if swedish == english:
            untranslated.append((cls.code, english))
    assert not untranslated


def _permit_refusals() -> list[tuple[str, str | None]]:
    """(code, literal English reason or None) of every ``_no(...)`` in the access modules."""
    found = []
    nodes = [n for path in ACCESS_FILES for n in ast.walk(ast.parse(path.read_text()))]
    for node in nodes:
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_no":
            reason, code = node.args
            assert isinstance(code, ast.Constant), ast.unparse(node)
            literal = None
            inner = reason.left if isinstance(reason, ast.BinOp) else reason
            if isinstance(inner, ast.Call) and getattr(inner.func, "id", None) == "_":
                literal = inner.args[0].value
            found.append((code.value, literal))
    return found


def test_every_refusal_of_the_access_module_has_a_code_and_a_swedish_reason():
    found = _permit_refusals()
    assert len(found) > 20
    for code, literal in found:
        assert SNAKE.match(code), code
        if literal is not None:
            with translation.override("sv"):
                assert translation.gettext(literal) != literal, literal


def test_a_refused_permit_becomes_not_allowed_with_its_code():
    permit = access.Permit(False, "Nej.", code="four_eyes")
    refusal = refusals.refuse(permit)
    assert isinstance(refusal, refusals.NotAllowed)
    assert (refusal.code, refusal.status, refusal.message) == ("four_eyes", 403, "Nej.")


def test_a_refusal_fills_its_message_and_keeps_its_code():
    with translation.override("en"):
        refusal = refusals.MeetingExists(body="KS", day="2026-05-04")
        assert refusal.message == "KS already has a meeting on 2026-05-04."
        assert refusal.code == "meeting_exists"
        given = refusals.InvalidFile("Filen är tom.")
        assert (given.message, given.code) == ("Filen är tom.", "invalid_file")

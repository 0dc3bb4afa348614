"""Nothing but the access modules decides who may see or do what (issue 16, part 4).

A view, template tag, context processor, form, filter, API view, admin module or template
that checks ``is_superuser``, ``is_staff``, a position's kind, a role predicate or a
Django permission itself fails this test; the scanner (tests/permission_scan.py) is tested
on offending snippets so that it can fail.
"""

from __future__ import annotations

import textwrap

import pytest

from tests import permission_scan as scan


def _rules(source: str) -> set[str]:
    """The rules the scanner finds broken in a snippet: a template's when it has a tag."""
    if "{%" in source or "{{" in source or source.startswith("<"):
        return {f.rule for f in scan.scan_template(source)}
    return {f.rule for f in scan.scan_python(textwrap.dedent(source))}


def test_no_module_or_template_decides_a_permission_itself():
    found = scan.offending(scan.scan_project())
    assert not found, (
        "Permission decided outside workflows/access.py and documents/access.py; add a "
        "named function there and call it:\n" + "\n".join(str(f) for f in found)
    )


def test_every_allowed_exception_is_still_needed():
    used = {(f.path, f.rule) for f in scan.scan_project()}
    stale = set(scan.ALLOWED) - used
    assert not stale, f"remove these entries from permission_scan.ALLOWED: {sorted(stale)}"


def test_the_scan_reads_the_modules_and_templates_that_serve_users():
    modules = set(scan.python_modules())
    for name in [
        "documents/views.py",
        "documents/admin.py",
        "documents/health.py",
        "documents/filters.py",
        "documents/api/views.py",
        "documents/templatetags/styrdok.py",
        "workflows/views.py",
        "workflows/desk_views.py",
        "workflows/audit_views.py",
        "workflows/context_processors.py",
        "workflows/forms.py",
        "workflows/admin.py",
        "org/admin.py",
        "config/urls.py",
    ]:
        assert name in modules
    assert not modules & scan.ACCESS_MODULES
    assert not any(m.startswith(("tests/", ".venv/")) or "/migrations/" in m for m in modules)
    assert {"templates/base.html", "templates/home.html"} <= set(scan.templates())


@pytest.mark.parametrize(
    ("source", "rule"),
    [
        ("if request.user.is_superuser:\n    pass", "user-flag"),
        ("shown = user.is_staff and True", "user-flag"),
        ("flag = getattr(user, 'is_superuser', False)", "user-flag"),
        ("admins = User.objects.filter(is_superuser=True)", "user-flag"),
        ("entries = AuditEntry.objects.filter(actor__is_staff=True)", "user-flag"),
        ("ok = any(a.position.kind == 'registrar' for a in acting)", "position-kind"),
        ("ok = 'registrar' in {a.position.kind for a in acting}", "position-kind"),
        ("ok = position.kind == PositionKind.BODY_SECRETARY", "position-kind"),
        ("ok = position.kind in (PositionKind.CHIEF, PositionKind.PROCESS_OWNER)", "position-kind"),
        ("ok = acting.position.kind != 'chief'", "position-kind"),
        ("qs = Position.objects.filter(kind=PositionKind.REGISTRAR)", "position-kind"),
        ("qs = Holding.objects.filter(position__kind='registrar', user=user)", "position-kind"),
        ("ok = access.is_registrar(user) or ok", "role-predicate"),
        ("ok = is_registrar(user)", "role-predicate"),
        ("ok = access.registrar_acting(user) is not None", "role-predicate"),
        ("ok = access.is_administrator(request.user)", "role-predicate"),
        ("ok = request.user.has_perm('documents.change_document')", "django-permission"),
        ("ok = user.has_perms(['a.b'])", "django-permission"),
        ("from guardian.shortcuts import get_objects_for_user", "django-permission"),
        ("ok = ObjectPermissionChecker(user).has_perm('view_case', case)", "django-permission"),
        (
            "@permission_required('documents.view_document')\ndef view(request):\n    pass",
            "django-permission",
        ),
        ("ok = request.user.groups.filter(name='Registratorer').exists()", "user-groups"),
        ("{% if user.is_superuser %}<a>x</a>{% endif %}", "user-flag"),
        ("{% if request.user.is_staff %}<a>x</a>{% endif %}", "user-flag"),
        ("{% if perms.documents.change_document %}x{% endif %}", "django-permission"),
        ("{{ user.groups.all }}", "user-groups"),
        ('{% if a.position.kind == "registrar" %}x{% endif %}', "position-kind"),
        ("{% if position.kind != 'chief' %}x{% endif %}", "position-kind"),
        ('{% if "secretary" in kinds %}x{% endif %}', "position-kind"),
    ],
)
def test_the_scanner_flags_a_check_made_outside_the_access_modules(source, rule):
    assert rule in _rules(source)


@pytest.mark.parametrize(
    "source",
    [
        "ok = access.can_see_audit_trail(request.user)",
        "shown = access.calendar_bodies(user)",
        "qs = document_access.visible_diary_entries(request.user, qs)",
        "ok = route.kind == 'user'",
        "ok = case.kind == CaseKind.REPEAL",
        "ok = body.kind == 'bolag'",
        "chief = unit.positions.filter(kind=PositionKind.CHIEF).first()",
        "label = _('The registrar')",
        "ok = direction == 'other'",
        "groups = match.groups()",
        "{% if nav_sees_admin %}<a>admin</a>{% endif %}",
        "{% if nav_sees_audit %}x{% endif %}",
        '{% translate "The registrar\'s desk" %}',
        '{% if row.case.kind != "new" %}x{% endif %}',
        "<p>is_superuser outside a tag is only text</p>",
    ],
)
def test_the_scanner_lets_questions_to_the_access_modules_and_other_kinds_pass(source):
    assert _rules(source) == set()


def test_a_finding_names_the_file_line_and_rule():
    (finding,) = scan.scan_python("x = 1\nif user.is_superuser:\n    pass\n", "app/views.py")
    assert (finding.path, finding.line, finding.rule) == ("app/views.py", 2, "user-flag")
    assert str(finding) == "app/views.py:2: [user-flag] if user.is_superuser:"


def test_a_template_finding_names_its_line():
    (finding,) = scan.scan_template("<ul>\n<li>\n{% if user.is_staff %}a{% endif %}", "t.html")
    assert (finding.line, finding.rule) == (3, "user-flag")

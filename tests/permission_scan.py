"""Finds permission decisions made outside the access modules.

Every "may this user see or do this?" is answered by ``workflows/access.py`` or
``documents/access.py`` (docs/access.md). This scanner reads the project's Python modules
(as syntax trees) and its templates (as text) and reports code that decides for itself:

- ``user-flag``: the ``is_superuser`` or ``is_staff`` flag read, set or looked up
  (``user.is_superuser``, ``getattr(user, "is_staff")``, ``filter(is_superuser=True)``);
- ``position-kind``: a role told from a position's kind (``PositionKind.REGISTRAR``
  anywhere, a ``kind`` compared with a position kind, the string ``"registrar"`` compared
  or used as a lookup value);
- ``role-predicate``: a call of the access modules' building blocks (``is_registrar``,
  ``registrar_acting``, ``is_administrator``), which a caller would combine into a rule of
  its own instead of asking the named question;
- ``django-permission``: Django's or django-guardian's permission checks (``has_perm``,
  ``ObjectPermissionChecker``, ``get_objects_for_user``, ``permission_required``...);
- ``user-groups``: a user's groups read.

Templates are scanned for the same inside ``{% %}`` and ``{{ }}``, and for ``perms``.

Not scanned: the access modules themselves, and directories that answer no request of a
user: tests, migrations, and ``fixtures/`` and ``bench/`` (builders of demo, test and
benchmark data, run from the command line).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from org.models import PositionKind

ROOT = Path(__file__).resolve().parent.parent

ACCESS_MODULES = frozenset(
    {
        "workflows/access.py",
        "workflows/desk_access.py",
        "documents/access.py",
        "org/access.py",
        "archive/access.py",
    }
)
NOT_SCANNED = frozenset(
    {
        ".git",
        ".venv",
        "__pycache__",
        "node_modules",
        "var",
        "tests",
        "migrations",
        "fixtures",
        "bench",
    }
)

# The few legitimate uses outside the access modules: (path, rule) -> why it is no check.
ALLOWED: dict[tuple[str, str], str] = {
    ("workflows/signals.py", "user-flag"): (
        "records changes of a user's is_staff and is_superuser flags in the audit trail"
    ),
    ("org/importing/sheets.py", "position-kind"): (
        "the Swedish words of the position kinds in the organisation file"
    ),
    ("org/importing/check.py", "position-kind"): (
        "one chief position per unit (the model's constraint), checked before the import writes"
    ),
    ("workflows/signals.py", "user-groups"): (
        "records changes of a user's groups in the audit trail"
    ),
}

USER_FLAGS = frozenset({"is_superuser", "is_staff"})
ROLE_PREDICATES = frozenset({"is_registrar", "registrar_acting", "is_administrator"})
PERMISSION_APIS = frozenset(
    {
        "has_perm",
        "has_perms",
        "has_module_perms",
        "get_all_permissions",
        "get_group_permissions",
        "get_user_permissions",
        "ObjectPermissionChecker",
        "get_objects_for_user",
        "get_perms",
        "get_user_perms",
        "user_passes_test",
        "permission_required",
        "PermissionRequiredMixin",
        "UserPassesTestMixin",
    }
)
KIND_VALUES = frozenset(PositionKind.values)
REGISTRAR = PositionKind.REGISTRAR.value


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    rule: str
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: [{self.rule}] {self.text}"


def _is_flag_string(value: object) -> bool:
    return isinstance(value, str) and any(
        value == flag or value.endswith(f"__{flag}") for flag in USER_FLAGS
    )


def _is_position_kind(node: ast.AST) -> bool:
    """``PositionKind.X`` (also ``models.PositionKind.X``)."""
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name | ast.Attribute)
        and (getattr(node.value, "id", None) or getattr(node.value, "attr", None)) == "PositionKind"
    )


def _mentions_kind(node: ast.AST) -> bool:
    return any(
        (isinstance(n, ast.Name) and n.id == "kind")
        or (isinstance(n, ast.Attribute) and n.attr == "kind")
        for n in ast.walk(node)
    )


def _constants(node: ast.AST) -> Iterator[object]:
    for n in ast.walk(node):
        if isinstance(n, ast.Constant):
            yield n.value


def _position_kind_compare(node: ast.Compare) -> bool:
    operands = [node.left, *node.comparators]
    parts = [n for operand in operands for n in ast.walk(operand)]
    if any(_is_position_kind(n) for n in parts):
        return True
    values = {v for operand in operands for v in _constants(operand)}
    if REGISTRAR in values:
        return True
    return bool(values & KIND_VALUES) and any(_mentions_kind(operand) for operand in operands)


def _role_lookup(keyword: ast.keyword) -> bool:
    """``filter(kind="registrar")``, ``position__kind="registrar"``."""
    name = keyword.arg or ""
    return (name == "kind" or name.endswith("__kind")) and REGISTRAR in set(
        _constants(keyword.value)
    )


def _names(node: ast.AST) -> str | None:
    """The name a node refers to: a variable, an attribute or an imported name."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.alias):
        return node.name.split(".")[-1]
    return None


def _rules_of(node: ast.AST) -> Iterator[str]:
    name = _names(node)
    if isinstance(node, ast.Attribute) and name in USER_FLAGS:
        yield "user-flag"
    if isinstance(node, ast.Constant) and _is_flag_string(node.value):
        yield "user-flag"
    if isinstance(node, ast.keyword) and node.arg and _is_flag_string(node.arg):
        yield "user-flag"
    if name in PERMISSION_APIS:
        yield "django-permission"
    if (
        isinstance(node, ast.Attribute)
        and name == "groups"
        and "user" in ast.unparse(node.value).lower()
    ):
        yield "user-groups"
    if _is_position_kind(node) and name == "REGISTRAR":
        yield "position-kind"
    if isinstance(node, ast.Compare) and _position_kind_compare(node):
        yield "position-kind"
    if isinstance(node, ast.keyword) and _role_lookup(node):
        yield "position-kind"
    if isinstance(node, ast.Call) and _names(node.func) in ROLE_PREDICATES:
        yield "role-predicate"


def _python_findings(source: str, path: str) -> Iterator[tuple[int, str, str]]:
    tree = ast.parse(source, filename=path)
    lines = source.splitlines()
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        for rule in _rules_of(node):
            yield line, rule, lines[line - 1].strip() if 0 < line <= len(lines) else ""


def scan_python(source: str, path: str = "<snippet>") -> list[Finding]:
    """Permission decisions in one module's source (one finding per line and rule)."""
    seen = {(line, rule): snippet for line, rule, snippet in _python_findings(source, path)}
    return [Finding(path, line, rule, snippet) for (line, rule), snippet in sorted(seen.items())]


_TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)
_KINDS = "|".join(sorted(KIND_VALUES))
TEMPLATE_RULES = [
    ("user-flag", re.compile(r"\b(is_superuser|is_staff)\b")),
    ("django-permission", re.compile(r"\bperms\b|\bhas_perms?\b")),
    ("user-groups", re.compile(r"\.groups\b")),
    (
        "position-kind",
        re.compile(
            rf"""\bkind\s*(==|!=|in)\s*["']({_KINDS})["']"""
            rf"""|["']({_KINDS})["']\s*(==|!=|in)\s*[\w.]*kinds?\b"""
            rf"""|["']{REGISTRAR}["']"""
        ),
    ),
]


def scan_template(source: str, path: str = "<template>") -> list[Finding]:
    """Permission decisions in one template's tags and variables."""
    found: dict[tuple[int, str], str] = {}
    for tag in _TAG.finditer(source):
        line = source.count("\n", 0, tag.start()) + 1
        for rule, pattern in TEMPLATE_RULES:
            if pattern.search(tag.group()):
                found.setdefault((line, rule), " ".join(tag.group().split()))
    return [Finding(path, line, rule, text) for (line, rule), text in sorted(found.items())]


def _scanned(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        parts = path.relative_to(root).parts
        if any(p in NOT_SCANNED or p.startswith(".") or p.endswith(".egg-info") for p in parts):
            continue
        if path.is_file():
            yield path


def python_modules(root: Path = ROOT) -> list[str]:
    return [
        p.relative_to(root).as_posix()
        for p in _scanned(root)
        if p.suffix == ".py" and p.relative_to(root).as_posix() not in ACCESS_MODULES
    ]


def templates(root: Path = ROOT) -> list[str]:
    return [
        p.relative_to(root).as_posix()
        for p in _scanned(root)
        if "templates" in p.relative_to(root).parts[:-1]
        and p.suffix in (".html", ".txt", ".xml", ".svg", ".md")
    ]


def scan_project(root: Path = ROOT) -> list[Finding]:
    """Every finding in the project, the allowed ones included."""
    findings = []
    for name in python_modules(root):
        findings += scan_python((root / name).read_text(encoding="utf-8"), name)
    for name in templates(root):
        findings += scan_template((root / name).read_text(encoding="utf-8"), name)
    return findings


def offending(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if (f.path, f.rule) not in ALLOWED]

"""The rule-set file's format: TOML with Swedish keys, read into a ``RuleSet`` and written
back from one, the same file for the same rule set.

Why TOML: a municipality reads and edits the file by hand (comments say where a rule comes
from, as in Götene's file), Python reads it without a dependency (``tomllib``), it has
dates, and a syntax error names its line and column. The writer is ours (a few lines for
the fixed shape of this file) so that an export is byte for byte stable.

The key ``format`` is the format's version: a later Styrdok that changes the shape reads
version 1 files still, or says why not. The Swedish words for decider kinds, position kinds
and samverkan levels live here (``DECIDER_WORDS``; the others are the organisation file's).
"""

from __future__ import annotations

import datetime
import json
import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from org.importing.sheets import POSITION_KINDS, SAMVERKAN_LEVELS

from ..models import OWN_AREA_ALWAYS, AdoptionRule, DeciderKind
from .refusals import RuleFileInvalid

FORMAT_VERSION = 1
MAX_BYTES = 512 * 1024

# The decider kinds as the file writes them. A new DeciderKind needs its word here (a test
# checks that every kind has one).
DECIDER_WORDS: dict[str, str] = {
    "kommunfullmäktige": DeciderKind.COUNCIL,
    "kommunstyrelsen": DeciderKind.EXECUTIVE_BOARD,
    "nämnd": DeciderKind.RESPONSIBLE_COMMITTEE,
    "bolagsstyrelse": DeciderKind.COMPANY_BOARD,
    "kommunchef": DeciderKind.MUNICIPAL_CHIEF,
    "enhetschef": DeciderKind.UNIT_CHIEF,
    "processägare": DeciderKind.PROCESS_OWNER,
}
WORD_OF_DECIDER = {kind: word for word, kind in DECIDER_WORDS.items()}
POSITION_WORDS: dict[str, str] = POSITION_KINDS.words  # type: ignore[attr-defined]
LEVEL_WORDS: dict[str, str] = SAMVERKAN_LEVELS.words  # type: ignore[attr-defined]

HEADER = (
    "# Styrdoks regelverk: dokumenttyper och vem som fastställer dem, samverkan, översyn,\n"
    "# läskvittens, organisationens nivåer och mandatperioderna.\n"
    "# Importeras under Regelverk (administratörer) eller med manage.py import_rules FIL.\n"
    "# Formatet beskrivs i docs/rules.md; nyckeln format är formatets version.\n"
)


@dataclass(frozen=True)
class LevelRow:
    depth: int
    name: str
    chief_title: str
    samverkan_level: str


@dataclass(frozen=True)
class RuleRow:
    decider: str
    allow_higher_bodies: bool = False
    only_own_area: bool = False


@dataclass(frozen=True)
class TypeRow:
    code: str
    name: str
    name_plural: str
    description: str = ""
    ordering: int = 0
    is_active: bool = True
    samverkan_required: bool = True
    review_interval_months: int = 24
    review_lead_days: int = 60
    review_questions: str = ""
    default_validity_months: int | None = None
    parents: tuple[str, ...] = ()
    reading_required: bool = False
    reading_kinds: tuple[str, ...] = ()
    rules: tuple[RuleRow, ...] = ()


@dataclass(frozen=True)
class PeriodRow:
    starts_on: datetime.date
    ends_on: datetime.date
    name: str = ""


@dataclass(frozen=True)
class RuleSet:
    levels: tuple[LevelRow, ...] = ()
    types: tuple[TypeRow, ...] = ()
    periods: tuple[PeriodRow, ...] = ()

    def type_named(self, code: str) -> TypeRow | None:
        return next((t for t in self.types if t.code == code), None)


# ---------------------------------------------------------------------------------------
# Reading

_LEVEL_KEYS = {"djup", "namn", "chefstitel", "samverkansnivå"}
_TYPE_KEYS = {
    "kod",
    "namn",
    "namn_plural",
    "beskrivning",
    "ordning",
    "aktiv",
    "samverkan_krävs",
    "översyn_månader",
    "översyn_förvarning_dagar",
    "översynsfrågor",
    "giltighet_månader",
    "överordnade_typer",
    "läskvittens",
    "läskvittens_för",
    "fastställs_av",
}
_RULE_KEYS = {"beslutsfattare", "högre_organ_får", "endast_eget_område"}
_PERIOD_KEYS = {"början", "slut", "namn"}
_TOP_KEYS = {"format", "nivå", "dokumenttyp", "mandatperiod"}

_KIND_NAMES = {
    int: gettext_noop("a whole number"),
    bool: gettext_noop("true or false"),
    str: gettext_noop("text in quotes"),
    datetime.date: gettext_noop("a date (YYYY-MM-DD)"),
    list: gettext_noop("a list"),
}


@dataclass
class _Reader:
    problems: list[str] = field(default_factory=list)

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def keys(self, where: str, table: dict, allowed: set[str]) -> None:
        for key in sorted(set(table) - allowed):
            self.problem(
                where,
                _("unknown key '%(key)s' (allowed: %(allowed)s)")
                % {"key": key, "allowed": ", ".join(sorted(allowed))},
            )

    def value(self, where: str, table: dict, key: str, kind: type, default: Any = ...) -> Any:
        if key not in table:
            if default is ...:
                self.problem(where, _("the key '%(key)s' is missing") % {"key": key})
            return None if default is ... else default
        value = table[key]
        wrong = not isinstance(value, kind) or (kind is int and isinstance(value, bool))
        if kind is datetime.date and isinstance(value, datetime.datetime):
            wrong = True
        if wrong:
            self.problem(
                where,
                _("'%(key)s' must be %(kind)s, not %(value)s")
                % {
                    "key": key,
                    "kind": _(_KIND_NAMES[kind]),
                    "value": json.dumps(value, default=str),
                },
            )
            return None if default is ... else default
        if kind is int and value < 0:
            self.problem(where, _("'%(key)s' cannot be negative") % {"key": key})
            return None
        return value

    def word(self, where: str, key: str, value: Any, words: dict[str, str]) -> str | None:
        if isinstance(value, str) and value.lower() in words:
            return words[value.lower()]
        self.problem(
            where,
            _("'%(key)s' is %(value)s, which is not one of: %(allowed)s")
            % {"key": key, "value": json.dumps(value, default=str), "allowed": ", ".join(words)},
        )
        return None

    def words(self, where: str, table: dict, key: str, words: dict[str, str]) -> tuple[str, ...]:
        values = self.value(where, table, key, list, [])
        return tuple(w for w in (self.word(where, key, v, words) for v in values) if w)

    def tables(self, where: str, document: dict, key: str) -> list[dict]:
        found = document.get(key, [])
        if not isinstance(found, list) or not all(isinstance(t, dict) for t in found):
            self.problem(
                where, _("'%(key)s' must be a list of tables ([[%(key)s]])") % {"key": key}
            )
            return []
        return found


def _level(reader: _Reader, number: int, table: dict) -> LevelRow | None:
    where = _("level no. %(n)s") % {"n": number}
    reader.keys(where, table, _LEVEL_KEYS)
    depth = reader.value(where, table, "djup", int)
    name = reader.value(where, table, "namn", str)
    title = reader.value(where, table, "chefstitel", str, "")
    level = reader.word(where, "samverkansnivå", table.get("samverkansnivå"), LEVEL_WORDS_IN)
    if None in (depth, name, level):
        return None
    return LevelRow(
        depth=depth, name=name.strip(), chief_title=title.strip(), samverkan_level=level
    )


LEVEL_WORDS_IN = {word: value for value, word in LEVEL_WORDS.items()}
POSITION_WORDS_IN = {word: value for value, word in POSITION_WORDS.items()}


def _rule(reader: _Reader, where: str, number: int, table: Any) -> RuleRow | None:
    where = _("%(where)s, decider no. %(n)s") % {"where": where, "n": number}
    if not isinstance(table, dict):
        reader.problem(where, _('write each decider as a table, { beslutsfattare = "…" }'))
        return None
    reader.keys(where, table, _RULE_KEYS)
    decider = reader.word(where, "beslutsfattare", table.get("beslutsfattare"), DECIDER_WORDS)
    higher = reader.value(where, table, "högre_organ_får", bool, False)
    own = reader.value(where, table, "endast_eget_område", bool, decider in OWN_AREA_ALWAYS)
    if decider is None:
        return None
    # The rule set's own checks (documents/models/adoption.py), in one place.
    try:
        AdoptionRule(decider=decider, allow_higher_bodies=higher, only_own_area=own).clean()
    except ValidationError as error:
        for messages in error.message_dict.values():
            for message in messages:
                reader.problem(where, message)
        return None
    return RuleRow(decider=decider, allow_higher_bodies=higher, only_own_area=own)


def _rules(reader: _Reader, where: str, table: dict) -> tuple[RuleRow, ...]:
    found = reader.value(where, table, "fastställs_av", list, [])
    rules = [_rule(reader, where, n, t) for n, t in enumerate(found, start=1)]
    deciders = [r.decider for r in rules if r]
    for decider in sorted({d for d in deciders if deciders.count(d) > 1}):
        reader.problem(
            where,
            _("the decider '%(decider)s' is listed twice") % {"decider": WORD_OF_DECIDER[decider]},
        )
    return tuple(r for r in rules if r)


def _type(reader: _Reader, number: int, table: dict) -> TypeRow | None:
    code = table.get("kod")
    where = _("document type no. %(n)s (%(code)s)") % {"n": number, "code": code or "?"}
    reader.keys(where, table, _TYPE_KEYS)
    values = {
        "code": reader.value(where, table, "kod", str),
        "name": reader.value(where, table, "namn", str),
        "name_plural": reader.value(where, table, "namn_plural", str),
        "description": reader.value(where, table, "beskrivning", str, ""),
        "ordering": reader.value(where, table, "ordning", int, 0),
        "is_active": reader.value(where, table, "aktiv", bool, True),
        "samverkan_required": reader.value(where, table, "samverkan_krävs", bool),
        "review_interval_months": reader.value(where, table, "översyn_månader", int),
        "review_lead_days": reader.value(where, table, "översyn_förvarning_dagar", int, 60),
        "review_questions": reader.value(where, table, "översynsfrågor", str, ""),
        "default_validity_months": reader.value(where, table, "giltighet_månader", int, None),
        "parents": tuple(reader.value(where, table, "överordnade_typer", list, [])),
        "reading_required": reader.value(where, table, "läskvittens", bool, False),
        "reading_kinds": reader.words(where, table, "läskvittens_för", POSITION_WORDS_IN),
        "rules": _rules(reader, where, table),
    }
    required = ("code", "name", "name_plural", "samverkan_required", "review_interval_months")
    if any(values[k] is None for k in required) or values["ordering"] is None:
        return None
    if not re.fullmatch(r"[-a-z0-9_]{1,40}", values["code"]):
        reader.problem(
            where, _("the code may hold only a-z, digits, - and _ (at most 40 characters)")
        )
        return None
    return TypeRow(**values)


def _period(reader: _Reader, number: int, table: dict) -> PeriodRow | None:
    where = _("mandate period no. %(n)s") % {"n": number}
    reader.keys(where, table, _PERIOD_KEYS)
    starts = reader.value(where, table, "början", datetime.date)
    ends = reader.value(where, table, "slut", datetime.date)
    name = reader.value(where, table, "namn", str, "")
    if starts is None or ends is None:
        return None
    if ends <= starts:
        reader.problem(where, _("the period ends before it starts"))
        return None
    return PeriodRow(starts_on=starts, ends_on=ends, name=name)


def _duplicates(reader: _Reader, what: str, values: list) -> None:
    for value in sorted({v for v in values if values.count(v) > 1}, key=str):
        reader.problem(what, _("%(value)s appears twice") % {"value": value})


def _check_whole(reader: _Reader, rule_set: RuleSet) -> None:
    _duplicates(reader, "[[nivå]] djup", [lv.depth for lv in rule_set.levels])
    _duplicates(reader, "[[nivå]] namn", [lv.name for lv in rule_set.levels])
    _duplicates(reader, "[[dokumenttyp]] kod", [t.code for t in rule_set.types])
    _duplicates(reader, "[[dokumenttyp]] namn", [t.name for t in rule_set.types])
    _duplicates(reader, "[[mandatperiod]] början", [p.starts_on for p in rule_set.periods])
    codes = {t.code for t in rule_set.types}
    for number, row in enumerate(rule_set.types, start=1):
        where = _("document type no. %(n)s (%(code)s)") % {"n": number, "code": row.code}
        for parent in row.parents:
            if parent not in codes:
                reader.problem(
                    where,
                    _("the parent type '%(code)s' in 'överordnade_typer' is not in the file")
                    % {"code": parent},
                )


def _document(text: str, reader: _Reader) -> dict | None:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        at = re.search(r"line (\d+), column (\d+)", str(error))
        line, column = at.groups() if at else ("?", "?")
        reader.problems.append(
            _("The file is not valid TOML at line %(line)s, column %(column)s (%(error)s).")
            % {"line": line, "column": column, "error": re.sub(r" \(at .*\)$", "", str(error))}
        )
        return None
    version = document.get("format")
    if version != FORMAT_VERSION:
        reader.problems.append(
            _("The key 'format' at the top of the file must be %(known)s, not %(found)s.")
            % {"known": FORMAT_VERSION, "found": json.dumps(version, default=str)}
        )
        return None
    reader.keys(_("the top of the file"), document, _TOP_KEYS)
    return document


def parse(data: bytes | str) -> RuleSet:
    """The rule set a file holds; ``RuleFileInvalid`` lists every problem, naming where."""
    reader = _Reader()
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            raise RuleFileInvalid([_("The file is larger than 512 kB.")])
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise RuleFileInvalid([_("The file is not UTF-8 text.")]) from None
    document = _document(data, reader)
    if document is None:
        raise RuleFileInvalid(reader.problems)
    levels = [
        _level(reader, n, t) for n, t in enumerate(reader.tables("nivå", document, "nivå"), 1)
    ]
    types = [
        _type(reader, n, t)
        for n, t in enumerate(reader.tables("dokumenttyp", document, "dokumenttyp"), 1)
    ]
    periods = [
        _period(reader, n, t)
        for n, t in enumerate(reader.tables("mandatperiod", document, "mandatperiod"), 1)
    ]
    rule_set = RuleSet(
        levels=tuple(x for x in levels if x),
        types=tuple(x for x in types if x),
        periods=tuple(x for x in periods if x),
    )
    _check_whole(reader, rule_set)
    if reader.problems:
        raise RuleFileInvalid(reader.problems)
    return rule_set


# ---------------------------------------------------------------------------------------
# Writing

_BARE = re.compile(r"[A-Za-z0-9_-]+")


def _key(key: str) -> str:
    return key if _BARE.fullmatch(key) else json.dumps(key, ensure_ascii=False)


def _text(value: str) -> str:
    plain = "\n" in value and "\\" not in value and '"' not in value
    if plain and not any(ord(c) < 32 and c != "\n" for c in value):
        return '"""\n' + value + '"""'
    return json.dumps(value, ensure_ascii=False)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | datetime.date):
        return str(value) if isinstance(value, int) else value.isoformat()
    if isinstance(value, str):
        return _text(value)
    return "[" + ", ".join(_value(v) for v in value) + "]"


def _pairs(pairs: list[tuple[str, Any]]) -> list[str]:
    return [f"{_key(k)} = {_value(v)}" for k, v in pairs if v is not None]


def _rule_line(rule: RuleRow) -> str:
    pairs = [
        ("beslutsfattare", WORD_OF_DECIDER[rule.decider]),
        ("högre_organ_får", rule.allow_higher_bodies),
        ("endast_eget_område", rule.only_own_area),
    ]
    return "  { " + ", ".join(_pairs(pairs)) + " },"


def _type_lines(row: TypeRow) -> list[str]:
    lines = [
        "[[dokumenttyp]]",
        *_pairs(
            [
                ("kod", row.code),
                ("namn", row.name),
                ("namn_plural", row.name_plural),
                ("beskrivning", row.description),
                ("ordning", row.ordering),
                ("aktiv", row.is_active),
                ("samverkan_krävs", row.samverkan_required),
                ("översyn_månader", row.review_interval_months),
                ("översyn_förvarning_dagar", row.review_lead_days),
                ("giltighet_månader", row.default_validity_months),
                ("överordnade_typer", list(row.parents)),
                ("läskvittens", row.reading_required),
                ("läskvittens_för", [POSITION_WORDS.get(k, k) for k in row.reading_kinds]),
                ("översynsfrågor", row.review_questions),
            ]
        ),
    ]
    lines.append(f"{_key('fastställs_av')} = [")
    lines.extend(_rule_line(rule) for rule in row.rules)
    lines.append("]")
    return lines


def dump(rule_set: RuleSet, header: str = HEADER) -> str:
    """The file for ``rule_set``: the same rule set always gives the same text."""
    lines = [header.rstrip("\n"), "", f"format = {FORMAT_VERSION}"]
    for level in rule_set.levels:
        lines += ["", f"[[{_key('nivå')}]]"]
        lines += _pairs(
            [
                ("djup", level.depth),
                ("namn", level.name),
                ("chefstitel", level.chief_title),
                ("samverkansnivå", LEVEL_WORDS.get(level.samverkan_level, level.samverkan_level)),
            ]
        )
    for row in rule_set.types:
        lines += ["", *_type_lines(row)]
    for period in rule_set.periods:
        lines += ["", "[[mandatperiod]]"]
        lines += _pairs(
            [("början", period.starts_on), ("slut", period.ends_on), ("namn", period.name)]
        )
    return "\n".join(lines) + "\n"

"""The organisation file's format: its sheets, their Swedish column names and values.

The sheet and column names are the file format that municipalities fill in (Swedish by
design, like a form), not UI text; the values of choices are Swedish words too. Other
layers add sheets of their own with ``register`` (documents: the diary series).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from ..models import BodyKind, BodyMemberRole, PositionKind, SamverkanLevel


class BadValue(ValueError):
    """A cell whose value cannot be read; the message says why, in the user's language."""


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def as_int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise BadValue(_("'%(value)s' is not a whole number") % {"value": value}) from None


def as_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        raise BadValue(
            _("'%(value)s' is not a date (write it as YYYY-MM-DD)") % {"value": value}
        ) from None


_YES = {"ja", "j", "yes", "y", "x", "1", "sant", "true"}
_NO = {"nej", "n", "no", "0", "falskt", "false"}


def as_bool(value: str) -> bool:
    lowered = value.lower()
    if lowered in _YES:
        return True
    if lowered in _NO:
        return False
    raise BadValue(_("'%(value)s' is neither 'ja' nor 'nej'") % {"value": value})


def choice(words: dict[str, str]) -> Callable[[str], str]:
    """A reader of one of ``words`` (Swedish word -> stored value), case-insensitive."""
    lowered = {w.lower(): v for w, v in words.items()}

    def read(value: str) -> str:
        if value.lower() in lowered:
            return lowered[value.lower()]
        raise BadValue(
            _("'%(value)s' is not one of: %(allowed)s")
            % {"value": value, "allowed": ", ".join(words)}
        )

    read.words = {v: w for w, v in words.items()}  # type: ignore[attr-defined]
    return read


SAMVERKAN_LEVELS = choice(
    {
        "enhet": SamverkanLevel.UNIT,
        "sektor": SamverkanLevel.SECTOR,
        "central": SamverkanLevel.CENTRAL,
    }
)
BODY_KINDS = choice(
    {
        "KF": BodyKind.COUNCIL,
        "KS": BodyKind.EXECUTIVE_BOARD,
        "AU": BodyKind.WORKING_COMMITTEE,
        "nämnd": BodyKind.COMMITTEE,
        "bolag": BodyKind.COMPANY_BOARD,
    }
)
MEMBER_ROLES = choice(
    {
        "ordförande": BodyMemberRole.CHAIR,
        "ledamot": BodyMemberRole.MEMBER,
        "ersättare": BodyMemberRole.DEPUTY,
    }
)
POSITION_KINDS = choice(
    {
        "chef": PositionKind.CHIEF,
        "processägare": PositionKind.PROCESS_OWNER,
        "registrator": PositionKind.REGISTRAR,
        "sekreterare": PositionKind.BODY_SECRETARY,
        "handläggare": PositionKind.OFFICIAL,
        "annan": PositionKind.OTHER,
    }
)


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    required: bool = False
    read: Callable[[str], Any] | None = None  # None: text as written
    default: Any = ""  # the value of an empty optional cell

    def write(self, value: Any) -> str:
        """The value as the export writes it."""
        if value is None or value == "":
            return ""
        if isinstance(value, bool):
            return "ja" if value else "nej"
        if isinstance(value, datetime.date):
            return value.isoformat()
        words = getattr(self.read, "words", None)
        if words is not None:
            return words.get(value, value)
        return str(value)


@dataclass(frozen=True)
class Sheet:
    name: str
    thing: Any  # what one row is, in words ("unit")
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    order: int = 0  # place in the exported workbook

    @property
    def by_header(self) -> dict[str, Column]:
        return {c.header.lower(): c for c in self.columns}

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.field == name)


def _c(header: str, name: str, required: bool = False, read=None, default: Any = "") -> Column:
    return Column(header, name, required, read, default)


LEVELS = Sheet(
    "Nivåer",
    _("unit level"),
    (
        _c("Djup", "depth", True, as_int),
        _c("Namn", "name", True),
        _c("Chefstitel", "chief_title", True),
        _c("Samverkansnivå", "samverkan_level", True, SAMVERKAN_LEVELS),
        _c("Aktiv", "is_active", False, as_bool, True),
    ),
    ("depth",),
    10,
)
BODIES = Sheet(
    "Organ",
    _("body"),
    (
        _c("Kod", "short_name", True),
        _c("Namn", "name", True),
        _c("Typ", "kind", True, BODY_KINDS),
        _c("Bereder åt", "prepares_for"),
        _c("Sekreterarbefattning", "secretary_position"),
        _c("Protokollet förvaras", "minutes_kept_at"),
        _c("Aktiv", "is_active", False, as_bool, True),
    ),
    ("short_name",),
    20,
)
UNITS = Sheet(
    "Enheter",
    _("unit"),
    (
        _c("Kod", "code", True),
        _c("Namn", "name", True),
        _c("Nivå", "level", True),
        _c("Överordnad enhet", "parent"),
        _c("Ansvarigt organ", "responsible_body"),
        _c("Aktiv", "is_active", False, as_bool, True),
    ),
    ("code",),
    30,
)
POSITIONS = Sheet(
    "Befattningar",
    _("position"),
    (
        _c("Kod", "code", True),
        _c("Titel", "title", True),
        _c("Typ", "kind", True, POSITION_KINDS),
        _c("Enhet", "unit", True),
        _c("Aktiv", "is_active", False, as_bool, True),
    ),
    ("code",),
    40,
)
PEOPLE = Sheet(
    "Personer",
    _("person"),
    (
        _c("Användarnamn", "username", True),
        _c("E-post", "email"),
        _c("Förnamn", "first_name"),
        _c("Efternamn", "last_name"),
    ),
    ("username",),
    50,
)
HOLDINGS = Sheet(
    "Innehavare",
    _("holding"),
    (
        _c("Befattning", "position", True),
        _c("Användarnamn", "user", True),
        _c("Från", "start", True, as_date),
        _c("Till", "end", False, as_date, None),
    ),
    ("position", "user", "start"),
    60,
)
SUBSTITUTES = Sheet(
    "Ersättare",
    _("substitute"),
    (
        _c("Befattning", "position", True),
        _c("Användarnamn", "user", True),
        _c("Från", "start", True, as_date),
        _c("Till", "end", True, as_date, None),
        _c("Orsak", "reason"),
    ),
    ("position", "user", "start"),
    70,
)
MEMBERS = Sheet(
    "Ledamöter",
    _("body member"),
    (
        _c("Organ", "body", True),
        _c("Användarnamn", "user", True),
        _c("Roll", "role", True, MEMBER_ROLES),
        _c("Från", "start", True, as_date),
        _c("Till", "end", False, as_date, None),
    ),
    ("body", "user", "start"),
    75,
)
PROCESSES = Sheet(
    "Processer",
    _("process"),
    (
        _c("Namn", "name", True),
        _c("Beskrivning", "description"),
        _c("Processägare", "owner_position", True),
        _c("Enhet", "unit", True),
        _c("Aktiv", "is_active", False, as_bool, True),
    ),
    ("name",),
    80,
)
UNIONS = Sheet("Fackförbund", _("union"), (_c("Namn", "name", True),), ("name",), 90)
GROUPS = Sheet(
    "Samverkansgrupper",
    _("samverkan group"),
    (
        _c("Namn", "name", True),
        _c("Nivå", "level", True, SAMVERKAN_LEVELS),
        _c("Enhet", "unit", True),
        _c("Ordförande", "chair_position", True),
        _c("Aktiv", "is_active", False, as_bool, True),
    ),
    ("name",),
    100,
)
REPRESENTATIVES = Sheet(
    "Fackliga representanter",
    _("union representative"),
    (
        _c("Grupp", "group", True),
        _c("Användarnamn", "user", True),
        _c("Fackförbund", "union", True),
        _c("Från", "start", True, as_date),
        _c("Till", "end", False, as_date, None),
    ),
    ("group", "user", "union", "start"),
    110,
)

ORG_SHEETS = (
    LEVELS,
    BODIES,
    UNITS,
    POSITIONS,
    PEOPLE,
    HOLDINGS,
    SUBSTITUTES,
    MEMBERS,
    PROCESSES,
    UNIONS,
    GROUPS,
    REPRESENTATIVES,
)


@dataclass(frozen=True)
class Extension:
    """A sheet another layer reads and writes (documents: the diary series).

    ``check(rows, known)`` returns problems, ``apply(rows, run)`` writes the rows through
    ``run`` (``org.importing.apply.Run``: its ``upsert``, the bodies by code, the log),
    ``export()`` gives the rows as values by field. ``known`` holds the keys the file and
    the database name together (``known.bodies``)."""

    sheet: Sheet
    model: Any  # the model its rows become, for the checks of text lengths
    check: Callable[..., list]
    apply: Callable[..., None]
    export: Callable[[], list[dict[str, Any]]]


_extensions: dict[str, Extension] = {}


def register(extension: Extension) -> None:
    """Add a sheet of a layer above org (called from its AppConfig.ready)."""
    _extensions[extension.sheet.name] = extension


def extensions() -> list[Extension]:
    return sorted(_extensions.values(), key=lambda e: e.sheet.order)


def all_sheets() -> list[Sheet]:
    return sorted([*ORG_SHEETS, *(e.sheet for e in _extensions.values())], key=lambda s: s.order)

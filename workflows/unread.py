"""How many people have not confirmed reading a version: a hook the reading app fills.

The yearly review report counts unread read acknowledgements as a factor of its
priority, but ``reading`` sits above ``workflows`` and may not be imported here. The
reading app registers its counter in ``ReadingConfig.ready`` (``register_unread_counter``),
as workflows answers ``documents.access.CaseQuestions``; without it nothing is unread.
"""

from __future__ import annotations

import datetime
from typing import Protocol

from documents.models import DocumentVersion


class UnreadCounter(Protocol):
    def __call__(self, versions: list[DocumentVersion], day: datetime.date) -> dict[int, int]:
        """Version pk -> how many people who must confirm reading it have not, on ``day``,
        for those of ``versions`` that ask for reading; at most one query."""
        ...


def no_unread(versions: list[DocumentVersion], day: datetime.date) -> dict[int, int]:
    """The answer while no app has registered a counter: nobody must read anything."""
    return {}


_counter: UnreadCounter = no_unread


def register_unread_counter(counter: UnreadCounter) -> None:
    """Called once by the app that owns read acknowledgements, from its ``ready``."""
    global _counter
    _counter = counter


def unread_counts(versions: list[DocumentVersion], day: datetime.date) -> dict[int, int]:
    return _counter(versions, day)

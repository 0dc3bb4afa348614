"""The public notice board (anslagstavla) and its Atom feed."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import noticeboard
from .noticeboard import Notice


def notice_board(request):
    """Public: the notices on the board today, and the archive of those taken down."""
    today = timezone.localdate()
    context = {
        "today": today,
        "current": noticeboard.current_notices(request.user, today),
        "page": noticeboard.archived_notices(request.user, today, request.GET.get("page")),
        "querystring": "",
    }
    return render(request, "documents/noticeboard.html", context)


def _day(day: datetime.date | None) -> str:
    return day.isoformat() if day else "–"


class NoticeBoardFeed(Feed):
    """The latest notices as Atom, as an anonymous visitor sees them (a feed is public
    whoever asks; logged-in readers get no internal paragraphs in it)."""

    feed_type = Atom1Feed
    title = gettext_lazy("Notice board (anslagstavla)")
    subtitle = gettext_lazy(
        "Checked minutes of the municipality's political bodies posted on the notice board, "
        "with the last day to appeal (laglighetsprövning)."
    )

    def link(self) -> str:
        return reverse("noticeboard")

    def items(self) -> list[Notice]:
        return noticeboard.feed_notices(AnonymousUser(), timezone.localdate())

    def item_title(self, item: Notice) -> str:
        return _("%(body)s, meeting %(day)s: minutes posted %(posted)s") % {
            "body": item.body.name,
            "day": _day(item.meeting_date),
            "posted": _day(item.anslag_date),
        }

    def item_description(self, item: Notice) -> str:
        lines = [
            _("Minutes checked (justering): %(day)s") % {"day": _day(item.justering_date)},
            _("Posted on the notice board: %(day)s") % {"day": _day(item.anslag_date)},
            _("Taken down: %(day)s") % {"day": _day(item.take_down_day)},
            _("Last day to appeal: %(day)s") % {"day": _day(item.last_appeal_day)},
            _("Legal force: %(day)s") % {"day": _day(item.legal_force_day)},
        ]
        if item.kept_at:
            lines.append(_("The minutes are kept at: %(place)s") % {"place": item.kept_at})
        lines += [f"{d.paragraph} {d.version.title}" for d in item.decisions]
        # Atom's summary is HTML: every line escaped (titles are typed by people).
        return "<br>".join(escape(line) for line in lines)

    def item_link(self, item: Notice) -> str:
        return f"{reverse('noticeboard')}#notice-{item.key}"

    def item_guid(self, item: Notice) -> str:
        return f"anslag-{item.key}-{item.anslag_date:%Y%m%d}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Notice) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(item.anslag_date, datetime.time()))

    def item_updateddate(self, item: Notice) -> datetime.datetime:
        return self.item_pubdate(item)

"""The public register's Atom feed (Django's syndication framework): the newest published
versions and repeals of public documents.

What it lists is what the public register shows an anonymous visitor: the register's own
selector (``documents.selectors.register_versions``) asked for an anonymous user, whoever
fetches the feed. Nothing here decides visibility.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from documents.models import VersionStatus
from documents.selectors import register_versions

ITEMS = 30


class RegisterFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("Styrdok: new and repealed governing documents")
    subtitle = gettext_lazy(
        "Public governing documents of the municipality: new versions and repeals."
    )

    def link(self):
        return reverse("register")

    def items(self) -> list[dict]:
        public = register_versions(AnonymousUser())
        published = [
            {"version": v, "repeal": False, "day": v.valid_from}
            for v in public.exclude(valid_from__isnull=True).order_by("-valid_from", "-pk")[:ITEMS]
        ]
        repealed = [
            {"version": v, "repeal": True, "day": v.document.repealed_on}
            for v in public.filter(
                status=VersionStatus.REPEALED, document__repealed_on__isnull=False
            ).order_by("-document__repealed_on", "-pk")[:ITEMS]
        ]
        return sorted(published + repealed, key=lambda i: (i["day"], i["repeal"]), reverse=True)[
            :ITEMS
        ]

    def item_title(self, item) -> str:
        version = item["version"]
        if item["repeal"]:
            return _("Repealed: %(title)s") % {"title": version.document.title}
        return _("%(title)s, version %(number)s") % {
            "title": version.title,
            "number": version.number,
        }

    def item_description(self, item) -> str:
        version = item["version"]
        document = version.document
        facts = f"{document.document_type}, {document.scope_unit}"
        if item["repeal"]:
            return _("%(facts)s. Repealed on %(day)s.") % {"facts": facts, "day": item["day"]}
        return _("%(facts)s. Valid from %(day)s. %(decision)s") % {
            "facts": facts,
            "day": item["day"],
            "decision": version.adoption_line,
        }

    def item_link(self, item) -> str:
        version = item["version"]
        if item["repeal"]:
            return reverse("documents:detail", args=[version.document_id])
        return reverse("documents:version", args=[version.document_id, version.number])

    def item_guid(self, item) -> str:
        kind = "repeal" if item["repeal"] else "version"
        return f"{self.item_link(item)}#{kind}"

    def item_guid_is_permalink(self, item) -> bool:
        return False

    def item_updateddate(self, item) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(item["day"], datetime.time(12)))

    item_pubdate = item_updateddate

"""The accessibility statement (tillgänglighetsredogörelse) that lagen (2018:1937) om
tillgänglighet till digital offentlig service requires, linked from every page's footer."""

from django.conf import settings
from django.shortcuts import render

# Where the supervisory authority takes complaints about public digital services.
DIGG_URL = "https://www.digg.se/tdosanmalan"


def accessibility_statement(request):
    context = {"contact": settings.STYRDOK_ACCESSIBILITY_CONTACT, "digg_url": DIGG_URL}
    return render(request, "accessibility.html", context)

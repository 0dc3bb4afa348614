"""What the page-by-page browser test checks, apart from the pages it visits.

Three checks run on every page at every width: axe-core (WCAG 2.1 A and AA, only
critical and serious violations count), horizontal overflow of the page itself, and
visible English words or internal codes from the lists below. Each returns a list of
readable problems, empty when the page passes.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

# Where axe-core's browser build is looked for: STYRDOK_AXE_JS (the file), then
# STYRDOK_AXE_DIR (a directory where `npm install axe-core` ran, as .ci/run does), then a
# node_modules in the repository, then /tmp/axe (a developer's scratch install).
_REPO = Path(__file__).resolve().parent.parent
_AXE_CANDIDATES = [
    os.environ.get("STYRDOK_AXE_JS", ""),
    os.path.join(os.environ.get("STYRDOK_AXE_DIR", ""), "node_modules/axe-core/axe.min.js")
    if os.environ.get("STYRDOK_AXE_DIR")
    else "",
    str(_REPO / "node_modules/axe-core/axe.min.js"),
    "/tmp/axe/node_modules/axe-core/axe.min.js",
]


def axe_source() -> str | None:
    for candidate in _AXE_CANDIDATES:
        if candidate and Path(candidate).is_file():
            return Path(candidate).read_text(encoding="utf-8")
    return None


AXE_RUN = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    resultTypes: ["violations"],
  });
  return result.violations
    .filter((v) => v.impact === "critical" || v.impact === "serious")
    .map((v) => v.impact + " " + v.id + ": " + v.help + " -> " +
      v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | "));
}"""


def axe_problems(page, source: str) -> list[str]:
    # Evaluated through the DevTools protocol, so the page's Content-Security-Policy does
    # not block it and the page itself is unchanged.
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.evaluate(source)
    return page.evaluate(AXE_RUN)


OVERFLOW = """() => {
  const root = document.documentElement;
  if (root.scrollWidth <= window.innerWidth) return null;
  // Name the widest elements that stick out, to say what to fix.
  const wide = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.right > window.innerWidth + 1 && el.offsetParent !== null) {
      wide.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
        (el.className && typeof el.className === "string" ? "." + el.className.split(" ").join(".") : "") +
        " " + Math.round(r.right));
    }
  }
  return root.scrollWidth + " px wide: " + wide.slice(0, 4).join(", ");
}"""


def overflow_problems(page) -> list[str]:
    found = page.evaluate(OVERFLOW)
    return [f"scrolls sideways, {found}"] if found else []


# Words no Swedish page should show: the findings of issue 20 and the commonest English of
# Django, viewflow and Trix. Only whole words count, case sensitive as written.
ENGLISH_WORDS = {
    # Django, viewflow and the log-in pages
    "Access",
    "Forbidden",
    "LOG",
    "ANOTHER",
    "Submit",
    "Cancel",
    "Previous",
    "Next",
    "Search",
    "Save",
    "Delete",
    "Yes",
    "yes",
    "the",
    "and",
    "with",
    # Trix's toolbar
    "Bold",
    "Italic",
    "Strikethrough",
    "Heading",
    "Quote",
    "Bullets",
    "Numbers",
    "Undo",
    "Redo",
    # the timeline's and the audit trail's internal codes
    "draft",
    "supports",
    "disagreement",
    "adopted",
    "valid",
    "Tokens",
    "Group object permission",
}
INTERNAL_CODES = [
    re.compile(r"\b[a-z]+_[a-z_]+\b"),  # snake_case codes: union_statement, no_objections
    re.compile(r"\(\w+\.\w+ #\d+\)"),  # a model's repr: (auth.user #2)
]


def foreign_words(page, selector: str = "body") -> list[str]:
    """The listed English words and the internal codes that the page shows."""
    text = page.locator(selector).first.inner_text()
    words = set(re.findall(r"[A-Za-zÅÄÖåäö_]+", text))
    found = sorted(w for w in ENGLISH_WORDS if " " not in w and w in words)
    found += sorted(w for w in ENGLISH_WORDS if " " in w and w in text)
    for pattern in INTERNAL_CODES:
        found += sorted(set(pattern.findall(text)))
    return found

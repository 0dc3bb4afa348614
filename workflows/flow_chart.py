"""The case's flow chart as SVG, in Swedish and readable at its natural size.

viewflow lays the flow out (``viewflow.workflow.chart``: cells, shapes and edges); the
drawing is ours (``templates/workflows/flow_chart.svg``): step names as written in
``routing.STEP_TITLES`` (sentence case, not title case), the gateways' branches "ja" and
"nej" with the gateway's question as its tooltip, and text of 14 px at the chart's own
size (the case page shows it unscaled inside a scrolling box).
"""

from __future__ import annotations

from textwrap import wrap

from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from viewflow.workflow import chart

from .models import Case

FONT_SIZE = 14
LINE_HEIGHT = 1.25
CHARACTERS_PER_LINE = 18  # of a 150 px wide step at 14 px

# The question each gateway asks, as its tooltip (the node names are code).
GATEWAY_QUESTIONS = {
    "needs_samverkan": _("Is samverkan required?"),
    "negotiation_demanded": _("Did a union demand an MBL negotiation?"),
    "needs_preparation": _("Does a political body decide?"),
    "more_preparation": _("Is a body left to prepare the matter?"),
    "preparation_result": _("Was the matter sent back in preparation?"),
    "decision_result": _("What was decided?"),
    "valid_now": _("Has the valid-from date come?"),
    "answered": _("Is the document still current?"),
    "confirmed": _("Was the review confirmed?"),
    "start": _("Start"),
    "end": _("End"),
    "end_rejected": _("End"),
}


def _branch_label(label: str) -> str:
    if label == "yes":
        return pgettext("flow chart branch", "yes")
    if label == "no":
        return pgettext("flow chart branch", "no")
    return label


def _lines(title: str, height: int, width: int) -> list[tuple[str, float, float]]:
    lines = wrap(title, CHARACTERS_PER_LINE) or [title]
    block = (len(lines) - 1) * FONT_SIZE * LINE_HEIGHT
    top = (height - block) / 2
    return [(line, width / 2, top + n * FONT_SIZE * LINE_HEIGHT) for n, line in enumerate(lines)]


def _cells(grid) -> list[dict]:
    cells = []
    for cell in grid.cells:
        node = cell.node
        has_text = bool(cell.shape.text)
        title = str(node.task_title) if node.task_title else ""
        cells.append(
            {
                "name": node.name,
                "x": cell.shape.x,
                "y": cell.shape.y,
                "svg": cell.shape.svg,
                "status": (cell.status or "").lower(),
                "tooltip": "" if has_text else str(GATEWAY_QUESTIONS.get(node.name, title)),
                "lines": _lines(title, cell.shape.height, cell.shape.width) if has_text else [],
            }
        )
    return cells


def _edges(grid) -> list[dict]:
    return [
        {
            "id": f"{edge.src.name}__{edge.dst.name}",
            "points": " ".join(f"{x},{y}" for x, y in edge.segments),
            "label": _branch_label(edge.label) if edge.label and edge.label_pos else "",
            "label_x": edge.label_pos[0] if edge.label_pos else 0,
            "label_y": edge.label_pos[1] if edge.label_pos else 0,
        }
        for edge in grid.edges
    ]


def case_chart_svg(case: Case) -> str:
    """The case's flow with the steps done, the current one and those ahead."""
    flow_class = case.flow_class
    grid = chart.calc_layout_data(flow_class)
    chart.calc_cell_status(flow_class, grid, case.pk)
    return render_to_string(
        "workflows/flow_chart.svg",
        {
            "width": grid.width,
            "height": grid.height,
            "font_size": FONT_SIZE,
            "cells": _cells(grid),
            "edges": _edges(grid),
            "title": case.diarienummer,
        },
    )

"""Server-rendered SVG bar charts: legible without JavaScript, with a title and a
description for screen readers (each chart is shown with a table of the same numbers)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
LABEL_WIDTH = 230
VALUE_WIDTH = 60
BAR_HEIGHT = 12
ROW_GAP = 10
COLOURS = ["#1f5f8b", "#8fb8d6", "#b3262d"]


@dataclass(frozen=True)
class Bar:
    label: str
    values: tuple[float | None, ...]


def _number(value: float | None) -> str:
    if value is None:
        return "–"
    text = f"{value:.1f}" if isinstance(value, float) else str(value)
    return text.replace(".", ",").removesuffix(",0")


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    bars: list[Bar],
    series: list[str],
    unit: str = "",
) -> SafeString:
    """Horizontal bars, one group per label and one bar per series, values written out."""
    per_row = len(series) * BAR_HEIGHT + ROW_GAP
    legend_height = 24
    height = legend_height + max(1, len(bars)) * per_row + 8
    top = max((v for b in bars for v in b.values if v is not None), default=0) or 1
    scale = (WIDTH - LABEL_WIDTH - VALUE_WIDTH) / top
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-t {escape(chart_id)}-d">',
        f'<title id="{escape(chart_id)}-t">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-d">{escape(description)}</desc>',
    ]
    x = LABEL_WIDTH
    for i, name in enumerate(series):
        colour = COLOURS[i % len(COLOURS)]
        out.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="{x + 16}" y="16" font-size="12" fill="#222">{escape(name)}</text>')
        x += 20 + 8 * len(name)
    if not bars:
        out.append(
            f'<text x="{LABEL_WIDTH}" y="{legend_height + 14}" font-size="12" fill="#222">–</text>'
        )
    for row, bar in enumerate(bars):
        y = legend_height + row * per_row
        out.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + len(series) * BAR_HEIGHT / 2 + 4:.0f}" '
            f'font-size="12" text-anchor="end" fill="#222">{escape(bar.label[:34])}</text>'
        )
        for i, value in enumerate(bar.values):
            length = (value or 0) * scale
            by = y + i * BAR_HEIGHT
            out.append(
                f'<rect x="{LABEL_WIDTH}" y="{by}" width="{length:.1f}" height="{BAR_HEIGHT - 2}" '
                f'fill="{COLOURS[i % len(COLOURS)]}"><title>{escape(bar.label)}, '
                f"{escape(series[i])}: {escape(_number(value))} {escape(unit)}</title></rect>"
            )
            out.append(
                f'<text x="{LABEL_WIDTH + length + 4:.1f}" y="{by + BAR_HEIGHT - 3}" '
                f'font-size="10" fill="#222">{escape(_number(value))}</text>'
            )
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text above is escaped

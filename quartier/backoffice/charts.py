"""Tiny server-side SVG charts: no JavaScript, no CDN, readable by screen readers.

Each chart is an `<svg role="img">` with a `<title>` and an aria-label; pages show the
same numbers in a data table beside it, so nothing depends on seeing the picture.
"""

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
HEIGHT = 240
MARGIN_LEFT = 56
MARGIN_BOTTOM = 32
MARGIN_TOP = 16
MARGIN_RIGHT = 8


@dataclass(frozen=True)
class Point:
    label: str  # the x-axis label, e.g. "3 Nov"
    value: int  # counts or integer minor units: charts never see floats
    display: str = ""  # how the value reads in the table and tooltips ("CHF 60.00")

    @property
    def text(self) -> str:
        return self.display or str(self.value)


def _scale(points: list[Point]) -> int:
    return max([point.value for point in points] + [1])


def _frame(*, chart_id: str, title: str, body: SafeString, top_label: str) -> SafeString:
    plot_bottom = HEIGHT - MARGIN_BOTTOM
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" '
        'aria-labelledby="{id}-title" aria-label="{title}" class="q-chart" id="{id}">'
        '<title id="{id}-title">{title}</title>'
        '<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" stroke="currentColor" />'
        '<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="currentColor" />'
        '<text x="{label_x}" y="{label_y}" text-anchor="end" font-size="11">{top_label}</text>'
        "{body}</svg>",
        w=WIDTH,
        h=HEIGHT,
        id=chart_id,
        title=title,
        left=MARGIN_LEFT,
        top=MARGIN_TOP,
        bottom=plot_bottom,
        right=WIDTH - MARGIN_RIGHT,
        label_x=MARGIN_LEFT - 4,
        label_y=MARGIN_TOP + 4,
        top_label=top_label,
        body=body,
    )


def _x_labels(points: list[Point], slot: float) -> SafeString:
    # Every other label when crowded, so they do not overlap.
    step = 1 if len(points) <= 8 else 2
    return format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="middle" font-size="10">{}</text>',
        (
            (round(MARGIN_LEFT + slot * (index + 0.5), 1), HEIGHT - MARGIN_BOTTOM + 14, point.label)
            for index, point in enumerate(points)
            if index % step == 0
        ),
    )


def bar_chart(*, chart_id: str, title: str, points: list[Point]) -> SafeString:
    """Vertical bars, one per point, each with a <title> tooltip giving its value."""
    points = list(points)
    if not points:
        return _frame(chart_id=chart_id, title=title, body=mark_safe(""), top_label="0")  # noqa: S308
    plot_width = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    top = _scale(points)
    slot = plot_width / len(points)
    bars = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="currentColor" opacity="0.75">'
        "<title>{}: {}</title></rect>",
        (
            (
                round(MARGIN_LEFT + slot * index + slot * 0.15, 1),
                round(MARGIN_TOP + plot_height - plot_height * point.value / top, 1),
                round(slot * 0.7, 1),
                round(plot_height * point.value / top, 1),
                point.label,
                point.text,
            )
            for index, point in enumerate(points)
        ),
    )
    top_label = max(points, key=lambda point: point.value).text if top > 1 else str(top)
    body = format_html("{}{}", bars, _x_labels(points, slot))
    return _frame(chart_id=chart_id, title=title, body=body, top_label=top_label)


def line_chart(*, chart_id: str, title: str, points: list[Point]) -> SafeString:
    """A polyline through the points, with a dot (and tooltip) on each."""
    points = list(points)
    if not points:
        return _frame(chart_id=chart_id, title=title, body=mark_safe(""), top_label="0")  # noqa: S308
    plot_width = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    top = _scale(points)
    slot = plot_width / len(points)
    coordinates = [
        (
            round(MARGIN_LEFT + slot * (index + 0.5), 1),
            round(MARGIN_TOP + plot_height - plot_height * point.value / top, 1),
        )
        for index, point in enumerate(points)
    ]
    line = format_html(
        '<polyline fill="none" stroke="currentColor" stroke-width="2" points="{}" />',
        " ".join(f"{x},{y}" for x, y in coordinates),
    )
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="3" fill="currentColor"><title>{}: {}</title></circle>',
        (
            (x, y, point.label, point.text)
            for (x, y), point in zip(coordinates, points, strict=True)
        ),
    )
    top_label = max(points, key=lambda point: point.value).text if top > 1 else str(top)
    body = format_html("{}{}{}", line, dots, _x_labels(points, slot))
    return _frame(chart_id=chart_id, title=title, body=body, top_label=top_label)

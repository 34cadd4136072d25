"""Tiny server-side SVG charts (back office and operator console): no JavaScript, no CDN,
readable by screen readers.

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


@dataclass(frozen=True)
class _Plot:
    """The drawing area of a chart: scale, slots and labels, shared by both kinds."""

    points: list[Point]
    width: float = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    height: float = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM

    @property
    def top(self) -> int:
        return _scale(self.points)

    @property
    def slot(self) -> float:
        """The horizontal space of one point."""
        return self.width / max(len(self.points), 1)

    @property
    def top_label(self) -> str:
        if self.top <= 1:
            return str(self.top)
        return max(self.points, key=lambda point: point.value).text

    def y(self, value: int) -> float:
        return round(MARGIN_TOP + self.height - self.height * value / self.top, 1)

    def frame(self, *, chart_id: str, title: str, marks: SafeString) -> SafeString:
        """The chart: its axes, then the marks and the x labels (none without points)."""
        if not self.points:
            return _frame(chart_id=chart_id, title=title, body=mark_safe(""), top_label="0")  # noqa: S308
        body = format_html("{}{}", marks, _x_labels(self.points, self.slot))
        return _frame(chart_id=chart_id, title=title, body=body, top_label=self.top_label)


def bar_chart(*, chart_id: str, title: str, points: list[Point]) -> SafeString:
    """Vertical bars, one per point, each with a <title> tooltip giving its value."""
    plot = _Plot(list(points))
    bars = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="currentColor" opacity="0.75">'
        "<title>{}: {}</title></rect>",
        (
            (
                round(MARGIN_LEFT + plot.slot * index + plot.slot * 0.15, 1),
                plot.y(point.value),
                round(plot.slot * 0.7, 1),
                round(plot.height * point.value / plot.top, 1),
                point.label,
                point.text,
            )
            for index, point in enumerate(plot.points)
        ),
    )
    return plot.frame(chart_id=chart_id, title=title, marks=bars)


def line_chart(*, chart_id: str, title: str, points: list[Point]) -> SafeString:
    """A polyline through the points, with a dot (and tooltip) on each."""
    plot = _Plot(list(points))
    coordinates = [
        (round(MARGIN_LEFT + plot.slot * (index + 0.5), 1), plot.y(point.value))
        for index, point in enumerate(plot.points)
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
            for (x, y), point in zip(coordinates, plot.points, strict=True)
        ),
    )
    return plot.frame(chart_id=chart_id, title=title, marks=format_html("{}{}", line, dots))

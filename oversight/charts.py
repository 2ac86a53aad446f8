"""A monthly trend as an SVG column chart drawn on the server (no scripts: the CSP allows
none), as ``centre.charts`` draws its bars. The numbers are also in a table beside it."""

import datetime

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 720
HEIGHT = 240
LEFT = 44  # room for the axis labels
BOTTOM = 34  # room for the month labels
TOP = 12


def month_columns(rows: list[tuple[datetime.date, float | None]], title: str) -> SafeString:
    """One column per month (``(first day of the month, per cent 0–100 or None for no
    column)``), oldest first, with the 0, 50 and 100 % lines; the value above each column
    when there is room; month labels every month up to a year, every quarter up to three
    years, then every January (the year)."""
    if not rows:
        return mark_safe("")  # noqa: S308 - constant
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - TOP - BOTTOM
    step = plot_w / len(rows)
    bar = max(step * 0.7, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'class="columns-chart"><title>{escape(title)}</title>'
    ]
    for percent in (0, 50, 100):
        y = TOP + plot_h * (1 - percent / 100)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - 8}" y1="{y:.1f}" y2="{y:.1f}" stroke="#c5ccd6" '
            f'stroke-width="1"></line><text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" '
            f'font-size="11">{percent} %</text>'
        )
    every = 1 if len(rows) <= 12 else 3 if len(rows) <= 36 else 12
    for index, (month, share) in enumerate(rows):
        x = LEFT + index * step + (step - bar) / 2
        middle = x + bar / 2
        if (month.month - 1) % every == 0:
            label = f"{month:%Y}" if every == 12 else f"{month:%m.%Y}"
            parts.append(
                f'<text x="{middle:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
                f'font-size="10">{label}</text>'
            )
        if share is None:
            continue
        height = plot_h * max(min(share, 100), 0) / 100
        y = TOP + plot_h - height
        shown = number_format(share, 1)
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{height:.1f}" '
            f'fill="#1f4e9c"><title>{month:%m.%Y}: {escape(shown)} %</title></rect>'
        )
        if bar >= 26:
            parts.append(
                f'<text x="{middle:.1f}" y="{y - 3:.1f}" text-anchor="middle" '
                f'font-size="10">{escape(shown)}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped above

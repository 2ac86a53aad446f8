"""Bar charts as inline SVG, drawn on the server (no scripts: the CSP allows none inline)."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BAR = 18
GAP = 6
LABEL_WIDTH = 260
WIDTH = 620


def bar_chart(rows: list[tuple[str, float]], maximum: float | None = None) -> SafeString:
    """Horizontal bars, one per (label, value), with the value printed at the bar's end."""
    if not rows:
        return mark_safe("")  # noqa: S308 - constant
    top = maximum or max((value for _label, value in rows), default=0) or 1
    height = len(rows) * (BAR + GAP) + GAP
    scale = (WIDTH - LABEL_WIDTH - 60) / top
    # An image needs a text alternative (WCAG 1.1.1): the same rows, read as one sentence.
    summary = "; ".join(f"{label}: {value}" for label, value in rows)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-label="{escape(summary)}" class="bars">'
    ]
    for index, (label, value) in enumerate(rows):
        y = GAP + index * (BAR + GAP)
        width = max(value * scale, 0)
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR - 5}" text-anchor="end" '
            f'font-size="12">{escape(label)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{BAR}" '
            f'fill="#1f4e9c"></rect>'
            f'<text x="{LABEL_WIDTH + width + 6:.1f}" y="{y + BAR - 5}" '
            f'font-size="12">{escape(value)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped above

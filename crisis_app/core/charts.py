"""Charts drawn on the server as inline SVG: readable without JavaScript, no external library, no CDN."""

from __future__ import annotations

import textwrap

from markupsafe import Markup, escape

BAR_HEIGHT = 26
WIDTH = 380
LINE = 18
LABEL_CHARS = 44  # characters of a label line at 14 px in the 380-wide chart


def bars(items: list[tuple[str, float]], *, title: str, unit: str = "") -> Markup:
    """Horizontal bars, one per (label, value), each labelled whole (wrapped above its bar) and with its value."""
    top = max([v for _, v in items] + [1])
    rows, y = [], 4
    for label, value in items:
        lines = textwrap.wrap(label, LABEL_CHARS) or [""]
        text = "".join(f'<tspan x="0" dy="{0 if i == 0 else LINE}">{escape(line)}</tspan>'
                       for i, line in enumerate(lines))
        rows.append(f'<text x="0" y="{y + 14}" font-size="14" fill="#222"><title>{escape(label)}</title>{text}</text>')
        y += LINE * len(lines)
        width = int((WIDTH - 60) * value / top)
        rows.append(f'<rect x="0" y="{y}" width="{width}" height="{BAR_HEIGHT - 10}" fill="#2b6cb0"/>'
                    f'<text x="{width + 4}" y="{y + 13}" font-size="14" fill="#222">{value:g}{escape(unit)}</text>')
        y += BAR_HEIGHT
    if not items:
        rows.append('<text x="0" y="18" font-size="14" fill="#222">Aucune donnée</text>')
        y = BAR_HEIGHT + 8
    return Markup(f'<svg viewBox="0 0 {WIDTH} {y + 4}" role="img" aria-label="{escape(title)}" '
                  f'class="chart"><title>{escape(title)}</title>{"".join(rows)}</svg>')


MONTHS = ("janv", "févr", "mars", "avr", "mai", "juin", "juil", "août", "sept", "oct", "nov", "déc")


def columns(values: list[int], *, title: str) -> Markup:
    """Twelve columns, one per month."""
    top, height, step = max(values + [1]), 150, WIDTH // 12
    cols = []
    for n, value in enumerate(values):
        h = int(100 * value / top)
        x = n * step + 3
        cols.append(f'<rect x="{x}" y="{118 - h}" width="{step - 6}" height="{h}" fill="#2b6cb0"/>'
                    f'<text x="{x}" y="{114 - h}" font-size="13" fill="#222">{value}</text>'
                    f'<text x="{x}" y="140" font-size="11" fill="#222">{MONTHS[n]}</text>')
    return Markup(f'<svg viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}" class="chart">'
                  f'<title>{escape(title)}</title>{"".join(cols)}</svg>')

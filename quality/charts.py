"""Charts drawn on the server as inline SVG: readable without JavaScript, no external library, no CDN."""

from __future__ import annotations

from markupsafe import Markup, escape

BAR_HEIGHT = 22
WIDTH = 560


def bars(items: list[tuple[str, float]], *, title: str, unit: str = "") -> Markup:
    """Horizontal bars, one per (label, value), each labelled with its value."""
    top = max([v for _, v in items] + [1])
    height = BAR_HEIGHT * max(len(items), 1) + 8
    rows = []
    for n, (label, value) in enumerate(items):
        y = 4 + n * BAR_HEIGHT
        width = int((WIDTH - 260) * value / top)
        rows.append(f'<text x="0" y="{y + 15}" font-size="12" fill="#222">{escape(label[:38])}</text>'
                    f'<rect x="240" y="{y + 3}" width="{width}" height="{BAR_HEIGHT - 8}" fill="#2b6cb0"/>'
                    f'<text x="{244 + width}" y="{y + 15}" font-size="11" fill="#444">{value:g}{escape(unit)}</text>')
    if not items:
        rows.append('<text x="0" y="18" font-size="12" fill="#222">Aucune donnée</text>')
    return Markup(f'<svg viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}" '
                  f'class="chart"><title>{escape(title)}</title>{"".join(rows)}</svg>')


MONTHS = ("janv", "févr", "mars", "avr", "mai", "juin", "juil", "août", "sept", "oct", "nov", "déc")


def columns(values: list[int], *, title: str) -> Markup:
    """Twelve columns, one per month."""
    top, height, step = max(values + [1]), 140, WIDTH // 12
    cols = []
    for n, value in enumerate(values):
        h = int(100 * value / top)
        x = n * step + 6
        cols.append(f'<rect x="{x}" y="{112 - h}" width="{step - 12}" height="{h}" fill="#2b6cb0"/>'
                    f'<text x="{x}" y="{108 - h}" font-size="11" fill="#444">{value}</text>'
                    f'<text x="{x}" y="130" font-size="12" fill="#222">{MONTHS[n]}</text>')
    return Markup(f'<svg viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}" class="chart">'
                  f'<title>{escape(title)}</title>{"".join(cols)}</svg>')

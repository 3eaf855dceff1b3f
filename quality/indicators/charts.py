"""Charts drawn on the server as inline SVG: readable without JavaScript, no external library, no CDN."""

from __future__ import annotations

from markupsafe import Markup, escape

BAR_HEIGHT = 26
WIDTH = 380
LABEL_WIDTH = 170


def bars(items: list[tuple[str, float]], *, title: str, unit: str = "") -> Markup:
    """Horizontal bars, one per (label, value), each labelled with its value."""
    top = max([v for _, v in items] + [1])
    height = BAR_HEIGHT * max(len(items), 1) + 8
    rows = []
    for n, (label, value) in enumerate(items):
        y = 4 + n * BAR_HEIGHT
        width = int((WIDTH - LABEL_WIDTH - 40) * value / top)
        short = label if len(label) <= 22 else label[:21] + "…"
        rows.append(f'<text x="0" y="{y + 18}" font-size="14" fill="#222"><title>{escape(label)}</title>'
                    f'{escape(short)}</text>'
                    f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{width}" height="{BAR_HEIGHT - 8}" fill="#2b6cb0"/>'
                    f'<text x="{LABEL_WIDTH + 4 + width}" y="{y + 18}" font-size="14" fill="#222">'
                    f'{value:g}{escape(unit)}</text>')
    if not items:
        rows.append('<text x="0" y="18" font-size="14" fill="#222">Aucune donnée</text>')
    return Markup(f'<svg viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}" '
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

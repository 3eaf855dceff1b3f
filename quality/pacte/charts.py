"""The maturity radar: four axes (stratégique, structurel, technique, culturel), one polygon per period, drawn on the
server as inline SVG (no script, no external library), in the indicators' charts' manner."""

from __future__ import annotations

from markupsafe import Markup, escape

from quality.pacte.models import AXES, MaturityAssessment

SIZE = 380
CENTRE = SIZE // 2
RADIUS = 130
COLOURS = ("#9aa5b1", "#2b6cb0", "#c05621", "#2f855a")
# the four axes: up, right, down, left
DIRECTIONS = ((0, -1), (1, 0), (0, 1), (-1, 0))


def _point(axis: int, value: float) -> tuple[float, float]:
    dx, dy = DIRECTIONS[axis]
    r = RADIUS * value / 5
    return CENTRE + dx * r, CENTRE + dy * r


def radar(assessments: list[MaturityAssessment], *, title: str) -> Markup:
    """One polygon per period (the latest drawn last, on top), the 1–5 rings, each axis labelled."""
    parts = []
    for ring in range(1, 6):
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (_point(a, ring) for a in range(4)))
        parts.append(f'<polygon points="{points}" fill="none" stroke="#ddd"/>')
    for axis, (_, name) in enumerate(AXES):
        x, y = _point(axis, 5.9)
        anchor = "middle" if axis in (0, 2) else ("start" if axis == 1 else "end")
        x = min(max(x, 4), SIZE - 4)
        parts.append(f'<line x1="{CENTRE}" y1="{CENTRE}" x2="{_point(axis, 5)[0]:.1f}" y2="{_point(axis, 5)[1]:.1f}" '
                     f'stroke="#bbb"/><text x="{x:.1f}" y="{y + 5:.1f}" font-size="13" text-anchor="{anchor}" '
                     f'fill="#222">{escape(name)}</text>')
    recent = assessments[-len(COLOURS):]
    colours = COLOURS[len(COLOURS) - len(recent):]  # the latest period always in the same colour
    for row, colour in zip(recent, colours, strict=True):
        scores = row.scores()
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (_point(a, scores[axis]) for a, (axis, _) in enumerate(AXES)))
        parts.append(f'<polygon points="{points}" fill="{colour}" fill-opacity="0.15" stroke="{colour}" '
                     f'stroke-width="2" data-period="{escape(row.period)}"><title>{escape(row.period)}</title>'
                     f'</polygon>')
    legend = "".join(f'<text x="4" y="{SIZE + 18 * (n + 1)}" font-size="13" fill="{colour}">■ {escape(row.period)}'
                     f'</text>' for n, (row, colour) in enumerate(zip(recent, colours, strict=True)))
    height = SIZE + 18 * len(recent) + 8
    if not assessments:
        legend = f'<text x="4" y="{SIZE + 18}" font-size="13" fill="#222">Aucune auto-évaluation</text>'
        height = SIZE + 26
    return Markup(f'<svg viewBox="0 0 {SIZE} {height}" role="img" aria-label="{escape(title)}" class="chart">'
                  f'<title>{escape(title)}</title>{"".join(parts)}{legend}</svg>')

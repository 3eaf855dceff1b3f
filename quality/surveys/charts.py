"""The survey's chart: per dimension, this survey's % of positive answers beside the last one's, drawn on the server
with the indicators' bar helper (inline SVG, no script)."""

from __future__ import annotations

from markupsafe import Markup

from crisis_app.core.charts import bars


def comparison(result: dict, before: dict | None, *, title: str, before_title: str | None) -> Markup | None:
    """Bars "dimension — this survey" and "dimension — last survey"; None while this one has too few answers."""
    if not result["shown"]:
        return None
    items: list[tuple[str, float]] = []
    earlier = {d["label"]: d["positive_pct"] for d in before["dimensions"]} if before and before["shown"] else {}
    for dimension in result["dimensions"]:
        # whole percentages: the bar helper writes its value as is, and a decimal point is not French
        items.append((f"{dimension['label']} — ce questionnaire", round(dimension["positive_pct"] or 0)))
        if dimension["label"] in earlier and earlier[dimension["label"]] is not None:
            items.append((f"{dimension['label']} — précédent ({before_title})", round(earlier[dimension["label"]])))
    return bars(items, title=f"Réponses positives par dimension — {title}", unit=" %")

"""The composer's mobilisation fields: rows of « N per profession » and the audiences after the first, read into the
shape the API takes (``quotas``, ``waves``) and echoed back to the form."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from crisis_app.directory.validation import PROFESSIONS

QUOTA_ROWS, WAVE_ROWS = 3, 2  # lines the form offers: professions asked, audiences after the alert's own


def _number(value: str) -> int | str:
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 7 else value


def parse(form: MultiDict) -> dict[str, Any]:
    """``quotas`` and ``waves`` from the filled rows (empty rows are ignored; nothing filled: no mobilisation)."""
    quotas = [{"profession": p, "count": _number(n)}
              for p, n in zip(form.getlist("quota_profession"), form.getlist("quota_count"), strict=False)
              if p.strip() and str(n).strip()]
    if not quotas:
        return {}
    data: dict[str, Any] = {"quotas": quotas}
    later = [(a, w) for a, w in zip(form.getlist("wave_audience"), form.getlist("wave_wait"), strict=False)
             if a.strip()]
    if later:
        waits = [_number(form.get("first_wait", ""))] + [_number(w) or 1 for _, w in later[:-1]] + [1]
        audiences = [_number(form.get("audience_id", ""))] + [_number(a) for a, _ in later]
        data["waves"] = [{"audience_id": a, "wait_minutes": w} for a, w in zip(audiences, waits, strict=True)]
    return data


def echo(form: MultiDict) -> dict[str, Any]:
    """The rows as typed, padded to the lines offered, for showing the form again (and the confirmation)."""
    quotas = list(zip(form.getlist("quota_profession"), form.getlist("quota_count"), strict=False))
    waves = list(zip(form.getlist("wave_audience"), form.getlist("wave_wait"), strict=False))
    return {"quota_rows": (quotas + [("", "")] * QUOTA_ROWS)[:max(QUOTA_ROWS, len(quotas))],
            "wave_rows": (waves + [("", "")] * WAVE_ROWS)[:max(WAVE_ROWS, len(waves))],
            "first_wait": form.get("first_wait", "15")}


def professions() -> list[tuple[str, str]]:
    return sorted(PROFESSIONS.items(), key=lambda item: item[1])

"""Turning the plan's HTML forms into section data for the services (which validate it), and the services'
field errors back into names the forms use."""

from __future__ import annotations

import re
from typing import Any

from werkzeug.datastructures import MultiDict

from crisis_app.plan.outline import ANTICIPATION_FIELDS, MEASURE_FIELDS, PILOTAGE_FIELDS, RETEX_FIELDS

PRESET_FIELDS = ("key", "name", "title", "sms", "email", "question")
MAX_ROWS = 40


def _int_or_raw(value: str | None) -> Any:
    """'' → None, digits → int, anything else as is (the schema then refuses it in French)."""
    value = (value or "").strip()
    if not value:
        return None
    return int(value) if value.isdigit() and len(value) < 12 else value


def _texts(form: MultiDict, names) -> dict[str, str]:
    return {name: form.get(name, "") for name in names}


def anticipation(form: MultiDict) -> dict:
    return {"referent_id": _int_or_raw(form.get("referent_id")),
            "suppleant_id": _int_or_raw(form.get("suppleant_id")), **_texts(form, ANTICIPATION_FIELDS)}


def _rows(form: MultiDict, prefix: str) -> list[int]:
    found = {int(m.group(1)) for k in form for m in [re.match(rf"{prefix}-(\d+)-", k)] if m}
    return sorted(i for i in found if i < MAX_ROWS)


def measure(form: MultiDict) -> dict:
    presets = []
    for i in _rows(form, "preset"):
        row = {f: form.get(f"preset-{i}-{f}", "") for f in PRESET_FIELDS}
        if form.get(f"preset-{i}-delete") or not any(row[f].strip() for f in PRESET_FIELDS if f != "question"):
            continue
        presets.append(row)
    tags = [t.strip().lower() for t in form.get("tags", "").split(",") if t.strip()]
    return {**_texts(form, MEASURE_FIELDS), "presets": presets,
            "directory_filter": {"profession_code": form.getlist("profession_code"), "tag": tags}}


def pilotage(form: MultiDict) -> dict:
    members = []
    for i in _rows(form, "member"):
        row = {"role": form.get(f"member-{i}-role", ""),
               "professional_id": _int_or_raw(form.get(f"member-{i}-professional_id")),
               "backup_id": _int_or_raw(form.get(f"member-{i}-backup_id"))}
        if form.get(f"member-{i}-delete") or not (row["role"].strip() or row["professional_id"]):
            continue
        members.append(row)
    return {"members": members, **_texts(form, PILOTAGE_FIELDS)}


def retex(form: MultiDict) -> dict:
    return {"recipient_ids": [_int_or_raw(v) for v in form.getlist("recipient_ids")], **_texts(form, RETEX_FIELDS)}


def activity(form: MultiDict) -> dict:
    return {"kind": form.get("kind", ""), "title": form.get("title", ""),
            "planned_on": form.get("planned_on") or None, "done_on": form.get("done_on") or None,
            "participant_ids": [_int_or_raw(v) for v in form.getlist("participant_ids")],
            "notes": form.get("notes") or None}


def field_errors(fields: dict[str, list[str]], *, row_prefix: str = "") -> dict[str, list[str]]:
    """The service's ``members.0.role`` as the form's ``member-0-role``; a measure's errors without their
    ``measures.N.`` prefix (the form shows one measure)."""
    out: dict[str, list[str]] = {}
    for name, messages in fields.items():
        name = re.sub(r"^measures\.\d+\.", "", name)
        name = re.sub(r"^(members|presets)\.(\d+)\.(\w+)$", lambda m: f"{m.group(1)[:-1]}-{m.group(2)}-{m.group(3)}",
                      name)
        name = name.replace("directory_filter.", "")
        out.setdefault(name, []).extend(messages)
    return out

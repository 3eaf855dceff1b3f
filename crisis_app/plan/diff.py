"""What changed between two versions, section by section: items added, removed and changed.

Each version is first turned into readable lines ({label: text}) per action, names instead of ids, so the diff
speaks the outline's language; an empty field counts as absent (filling it in is an addition).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crisis_app.core.labels import label_of
from crisis_app.core.vocabulary import QuestionKind, Typology
from crisis_app.plan import services
from crisis_app.plan.models import PlanVersion
from crisis_app.plan.outline import (
    ACTIONS,
    ANTICIPATION_FIELDS,
    MEASURE_FIELDS,
    PILOTAGE_FIELDS,
    RETEX_FIELDS,
    measure_label,
)


def _person(people: dict[int, str], pid: int | None) -> str:
    if not pid:
        return ""
    return people.get(pid, f"fiche n° {pid} (absente de l'annuaire)")


def _anticipation(plan: PlanVersion, people: dict) -> dict[str, str]:
    ant = plan.anticipation or {}
    lines = {"Référent crise sanitaire": _person(people, ant.get("referent_id")),
             "Suppléant": _person(people, ant.get("suppleant_id"))}
    lines.update({label: ant.get(key) or "" for key, label in ANTICIPATION_FIELDS.items()})
    return lines


def filter_text(criteria: dict) -> str:
    parts = []
    if codes := criteria.get("profession_code"):
        parts.append("professions " + ", ".join(codes))
    if tags := criteria.get("tag"):
        parts.append("compétences " + ", ".join(tags))
    return " ; ".join(parts)


def _adaptation(plan: PlanVersion) -> dict[str, str]:
    lines = {}
    for m in (plan.adaptation or {}).get("measures", []):
        step = measure_label(m["typology"], m["gradation"])
        lines.update({f"{step} : {label}": m.get(key) or "" for key, label in MEASURE_FIELDS.items()})
        lines[f"{step} : annuaire à mobiliser"] = filter_text(m.get("directory_filter") or {})
        for p in m.get("presets", []):
            lines[f"{step} : modèle « {p['name']} »"] = (f"{p['title']} — {label_of(QuestionKind, p['question'], '')}\n"
                                                          f"SMS : {p['sms']}\nE-mail : {p['email']}")
    for n in (plan.adaptation or {}).get("not_applicable", []):
        lines[f"{label_of(Typology, n['typology'])} : sans objet sur notre territoire"] = n.get("reason") or ""
    return lines


def _pilotage(plan: PlanVersion, people: dict) -> dict[str, str]:
    pil = plan.pilotage or {}
    lines = {}
    for member in pil.get("members", []):
        label, n = f"Cellule : {member['role']}", 2
        while label in lines:
            label, n = f"Cellule : {member['role']} ({n})", n + 1
        backup = _person(people, member.get("backup_id"))
        lines[label] = _person(people, member["professional_id"]) + (f" — suppléé par {backup}" if backup else "")
    lines.update({label: pil.get(key) or "" for key, label in PILOTAGE_FIELDS.items()})
    return lines


def _retex(plan: PlanVersion, organisations: dict) -> dict[str, str]:
    ret = plan.retex or {}
    lines = {label: ret.get(key) or "" for key, label in RETEX_FIELDS.items()}
    for oid in ret.get("recipient_ids", []):
        lines[f"Destinataire : {organisations.get(oid, f'organisation n° {oid}')}"] = "reçoit l'évaluation"
    return lines


def readable(plan: PlanVersion) -> dict[str, dict[str, str]]:
    """The version as {action: {label: text}}, empty lines left out."""
    known = services.names(plan)
    sections = {"anticipation": _anticipation(plan, known["people"]), "adaptation": _adaptation(plan),
                "pilotage": _pilotage(plan, known["people"]), "retex": _retex(plan, known["organisations"])}
    return {key: {k: v for k, v in lines.items() if v.strip()} for key, lines in sections.items()}


@dataclass
class SectionDiff:
    key: str
    title: str
    added: list[tuple[str, str]] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)
    changed: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def as_dict(self) -> dict:
        return {"section": self.key, "title": self.title,
                "added": [{"item": k, "value": v} for k, v in self.added],
                "removed": [{"item": k, "value": v} for k, v in self.removed],
                "changed": [{"item": k, "old": o, "new": n} for k, o, n in self.changed]}


def compare(old: dict[str, dict[str, str]], new: dict[str, dict[str, str]]) -> list[SectionDiff]:
    """Pure: the section-by-section difference of two readable versions."""
    result = []
    for key, title in ACTIONS.items():
        before, after = old.get(key, {}), new.get(key, {})
        diff = SectionDiff(key, title)
        diff.added = [(k, v) for k, v in after.items() if k not in before]
        diff.removed = [(k, v) for k, v in before.items() if k not in after]
        diff.changed = [(k, before[k], v) for k, v in after.items() if k in before and before[k] != v]
        result.append(diff)
    return result


def between(old: PlanVersion, new: PlanVersion) -> list[SectionDiff]:
    return compare(readable(old), readable(new))

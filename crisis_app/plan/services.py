"""The plan's services: reading the published plan (crises and the alert composer use these), and every change
of a version — draft, edit, validate, publish, next year's draft — each with its audit row in one transaction."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from marshmallow import ValidationError

from crisis_app.core import audit
from crisis_app.core.db import atomic, db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.formats import pluriel
from crisis_app.core.models import User
from crisis_app.core.vocabulary import Preset, Typology
from crisis_app.directory.professionals import services as directory_services
from crisis_app.plan import figures
from crisis_app.plan.models import SECTIONS, PlanStatus, PlanVersion
from crisis_app.plan.outline import ACTIONS, MEASURE_FIELDS, empty_sections, measure_label
from crisis_app.plan.schemas import SECTION_SCHEMAS

# --- reading (the contract other packages code against) -----------------------------------------


def published_plan(year: int | None = None) -> PlanVersion | None:
    """The latest published version, or the published version of ``year``."""
    query = sa.select(PlanVersion).where(PlanVersion.status == PlanStatus.PUBLISHED)
    if year is not None:
        query = query.where(PlanVersion.year == year)
    return db.session.scalar(query.order_by(PlanVersion.year.desc()).limit(1))


def typology_section(plan: PlanVersion, typology: int, gradation: int) -> dict:
    """What the plan does for one typology at one gradation ({} when the plan does not describe it)."""
    for measure in (plan.adaptation or {}).get("measures", []):
        if measure.get("typology") == typology and measure.get("gradation") == gradation:
            return copy.deepcopy(measure)
    return {}


def presets_for(typology: int | None, gradation: int | None) -> list[Preset]:
    """Alert presets of the published plan for a typology and gradation (all of them when ``typology`` is None;
    both gradations when ``gradation`` is None); [] without a published plan."""
    plan = published_plan()
    if plan is None:
        return []
    found = []
    for measure in (plan.adaptation or {}).get("measures", []):
        if typology is not None and measure.get("typology") != typology:
            continue
        if gradation is not None and measure.get("gradation") != gradation:
            continue
        found.extend(Preset(typology=measure["typology"], gradation=measure["gradation"],
                            **{k: p[k] for k in ("key", "name", "title", "sms", "email", "question")})
                     for p in measure.get("presets", []))
    return found


def cellule_members(plan: PlanVersion) -> list[dict]:
    """``[{"role", "professional_id", "backup_id"}]`` of the plan's cellule de crise."""
    return [{"role": m["role"], "professional_id": m["professional_id"], "backup_id": m.get("backup_id")}
            for m in (plan.pilotage or {}).get("members", [])]


def cellule_meeting(plan: PlanVersion) -> dict[str, str]:
    """Where and when the cellule meets, as the plan says: ``{"place", "visio", "first_briefing"}`` ("" if unsaid)."""
    pil = plan.pilotage or {}
    return {"place": (pil.get("cellule_place") or "").strip(), "visio": (pil.get("cellule_visio") or "").strip(),
            "first_briefing": (pil.get("cellule_first_briefing") or "").strip()}


def retex_recipients(plan: PlanVersion) -> list[int]:
    """Organisation ids that receive the post-crisis evaluation."""
    return list((plan.retex or {}).get("recipient_ids", []))


def my_part(user: User) -> dict:
    """What the published plan asks of the professional behind ``user``: their roles, their activities."""
    from crisis_app.plan import activities

    professional = directory_services.professional_for_user(user)
    plan = published_plan()
    if professional is None or plan is None:
        return {"year": plan.year if plan else None, "roles": [], "activities": [], "linked": professional is not None}
    pid, ant, roles = professional.id, plan.anticipation or {}, []
    if ant.get("referent_id") == pid:
        roles.append("Référent crise sanitaire")
    if ant.get("suppleant_id") == pid:
        roles.append("Suppléant du référent crise sanitaire")
    for member in cellule_members(plan):
        if member["professional_id"] == pid:
            roles.append(f"Cellule de crise : {member['role']}")
        if member["backup_id"] == pid:
            roles.append(f"Cellule de crise : suppléant pour « {member['role']} »")
    mine = [activities.as_dict(a) for a in activities.for_year(utcnow().year) if pid in (a.participant_ids or [])]
    return {"year": plan.year, "roles": roles, "activities": mine, "linked": True}


def list_plans() -> list[PlanVersion]:
    return list(db.session.scalars(sa.select(PlanVersion).order_by(PlanVersion.year.desc())))


def current_plan() -> PlanVersion | None:
    """The version the référent works on: the newest one, whatever its status."""
    return db.session.scalar(sa.select(PlanVersion).order_by(PlanVersion.year.desc()).limit(1))


def people_ids(plan: PlanVersion) -> set[int]:
    """Directory ids named in the version: référent, suppléant, cellule members and their backups."""
    ant = plan.anticipation or {}
    ids = {ant.get("referent_id"), ant.get("suppleant_id")}
    for member in cellule_members(plan):
        ids.update({member["professional_id"], member["backup_id"]})
    return {i for i in ids if i}


def names(plan: PlanVersion) -> dict[str, dict[int, str]]:
    """Names behind the version's ids: as frozen at publication, live from the directory before."""
    if plan.frozen:
        return {"people": {int(k): v for k, v in plan.frozen.get("people", {}).items()},
                "organisations": {int(k): v for k, v in plan.frozen.get("organisations", {}).items()}}
    return {"people": figures.professional_names(people_ids(plan)),
            "organisations": figures.organisation_names()}


# --- completeness -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Missing:
    """One thing a version lacks before it may be validated; ``section`` and ``anchor`` say where to fix it."""

    code: str
    message: str
    section: str
    anchor: str = ""
    typology: int | None = None
    gradation: int | None = None

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "section": self.section, "anchor": self.anchor,
                "typology": self.typology, "gradation": self.gradation}


def _described(measure: dict) -> bool:
    return any((measure.get(k) or "").strip() for k in MEASURE_FIELDS) and bool(measure.get("presets"))


def not_applicable(plan: PlanVersion) -> dict[int, str]:
    """Typologies declared "sans objet sur notre territoire", with their reason."""
    return {n["typology"]: n["reason"] for n in (plan.adaptation or {}).get("not_applicable", [])
            if (n.get("reason") or "").strip()}


def _missing_steps(plan: PlanVersion) -> list[Missing]:
    """Each typology of the national outline at both gradations, described or declared sans objet with a reason."""
    described = {(m["typology"], m["gradation"]) for m in (plan.adaptation or {}).get("measures", [])
                 if _described(m)}
    excused, missing = not_applicable(plan), []
    for typology in Typology:
        if typology.value in excused:
            continue
        missing.extend(Missing("typology", f"{measure_label(typology.value, g)} : mesures et modèle d'alerte à "
                                           "décrire, ou typologie à déclarer « sans objet sur notre territoire » "
                                           "avec la raison.", "adaptation", f"t{typology.value}",
                               typology.value, g)
                       for g in (1, 2) if (typology.value, g) not in described)
    return missing


def missing_items(plan: PlanVersion) -> list[Missing]:
    """What prevents validation: référent, suppléant, each typology at both gradations (or sans objet), a cellule."""
    ant = plan.anticipation or {}
    missing = []
    if not ant.get("referent_id"):
        missing.append(Missing("referent", "Aucun référent crise sanitaire n'est désigné.", "anticipation",
                               "referent_id"))
    if not ant.get("suppleant_id"):
        missing.append(Missing("suppleant", "Aucun suppléant du référent n'est désigné.", "anticipation",
                               "suppleant_id"))
    missing.extend(_missing_steps(plan))
    if not cellule_members(plan):
        missing.append(Missing("cellule", "La cellule de crise n'a aucun membre.", "pilotage", "members"))
    return missing


# --- changes ------------------------------------------------------------------------------------


def _label(plan: PlanVersion) -> str:
    return f"plan d'action {plan.year}"


def _refuse_if_published(plan: PlanVersion) -> None:
    if plan.status is PlanStatus.PUBLISHED:
        raise ServiceError("published", f"Le {_label(plan)} est publié : il ne change plus. Démarrez le brouillon "
                                        "de l'année suivante pour le modifier.", status=409)


def _duplicate(year: int) -> ServiceError:
    return ServiceError("duplicate", f"Une version {year} du plan existe déjà.", field="year", status=409)


@atomic()
def create_draft(*, actor: User | None, year: int | None = None) -> PlanVersion:
    """Start a year's draft: a copy of the latest published version, or the outline with the default presets."""
    source = published_plan()
    if year is None:
        year = source.year + 1 if source else utcnow().year
    if db.session.scalar(sa.select(PlanVersion.id).where(PlanVersion.year == year)) is not None:
        raise _duplicate(year)
    sections = ({s: copy.deepcopy(getattr(source, s)) for s in SECTIONS} if source else empty_sections())
    plan = PlanVersion(year=year, status=PlanStatus.DRAFT, source_id=source.id if source else None, **sections)
    # two drafts started at once for one year: the unique index decides, the second one gets the 409
    with atomic(conflict=_duplicate(year)):
        db.session.add(plan)
        db.session.flush()
    origin = f"copie de la version {source.year}" if source else "plan national vierge"
    audit.record(actor=actor, action="plan.draft", object_type="plan", object_id=plan.id,
                 summary=f"Brouillon du {_label(plan)} créé ({origin})",
                 changes={"year": [None, year], "source_id": [None, plan.source_id]})
    return plan


def _refuse(message: str, fields: dict) -> None:
    raise ServiceError("validation_error", message, fields=fields)


def _check_references(section: str, clean: dict) -> None:
    """People must be active entries of the directory; recipients known organisations."""
    if section == "anticipation":
        wanted = {k: clean.get(k) for k in ("referent_id", "suppleant_id") if clean.get(k)}
    elif section == "pilotage":
        wanted = {f"members.{i}.{k}": m[k] for i, m in enumerate(clean["members"])
                  for k in ("professional_id", "backup_id") if m.get(k)}
    elif section == "retex":
        known = figures.organisation_names(include_inactive=False)
        bad = {f"recipient_ids.{i}": ["Organisation inconnue ou inactive."]
               for i, o in enumerate(clean["recipient_ids"]) if o not in known}
        if bad:
            _refuse("Destinataire inconnu.", bad)
        return
    else:
        return
    found = figures.existing_professionals(set(wanted.values()))
    bad = {field: ["Professionnel absent de l'annuaire ou inactif."] for field, pid in wanted.items()
           if pid not in found}
    if bad:
        _refuse("Une personne désignée n'est pas dans l'annuaire.", bad)


def validate_section(section: str, data: Mapping[str, Any]) -> dict:
    """Load a section or refuse it with French field messages."""
    if section not in SECTION_SCHEMAS:
        raise ServiceError("not_found", "Section inconnue.", status=404)
    try:
        clean = SECTION_SCHEMAS[section]().load(dict(data))
    except ValidationError as exc:
        raise ServiceError("validation_error", f"Section « {ACTIONS[section]} » invalide : corrigez les champs "
                                               "signalés.", fields=_flatten(exc.messages)) from None
    _check_references(section, clean)
    if section == "adaptation":
        clean["measures"].sort(key=lambda m: (m["typology"], m["gradation"]))
    return clean


def _flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    if not isinstance(messages, dict):
        return {prefix or "_schema": list(messages) if isinstance(messages, list) else [str(messages)]}
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        flat.update(_flatten(value, name) if isinstance(value, dict) else
                    {name: value if isinstance(value, list) else [str(value)]})
    return flat


@atomic()
def update_sections(*, actor: User | None, plan: PlanVersion, data: Mapping[str, Mapping]) -> PlanVersion:
    """Replace the given sections as a whole; a validated version goes back to draft."""
    _refuse_if_published(plan)
    if not data:
        raise ServiceError("validation_error", "Aucune section à modifier.")
    clean = {section: validate_section(section, values) for section, values in data.items()}
    changes = {}
    for section, values in clean.items():
        before = getattr(plan, section) or {}
        section_changes = audit.changes_between(before, values)
        if section_changes:
            setattr(plan, section, values)
            changes.update({f"{section}.{k}": v for k, v in section_changes.items()})
    if not changes:
        return plan
    if plan.status is PlanStatus.VALIDATED:
        changes["status"] = [plan.status.value, PlanStatus.DRAFT.value]
        plan.status = PlanStatus.DRAFT
        plan.validated_at = plan.validated_by_id = plan.validated_by_label = None
    titles = ", ".join(ACTIONS[s] for s in clean)
    audit.record(actor=actor, action="plan.edit", object_type="plan", object_id=plan.id,
                 summary=f"{_label(plan).capitalize()} modifié : {titles}", changes=changes)
    return plan


def update_section(*, actor: User | None, plan: PlanVersion, section: str, data: Mapping[str, Any]) -> PlanVersion:
    """Replace one section of a draft (or of a validated version, which goes back to draft)."""
    return update_sections(actor=actor, plan=plan, data={section: data})


def update_measure(*, actor: User | None, plan: PlanVersion, typology: int, gradation: int,
                   data: Mapping[str, Any]) -> PlanVersion:
    """Replace what the plan does for one typology at one gradation (an empty measure removes it)."""
    measures = [m for m in (plan.adaptation or {}).get("measures", [])
                if (m.get("typology"), m.get("gradation")) != (typology, gradation)]
    measure = {**data, "typology": typology, "gradation": gradation}
    if any((measure.get(k) or "").strip() for k in MEASURE_FIELDS) or measure.get("presets") \
            or any((measure.get("directory_filter") or {}).values()):
        measures.append(measure)
    return update_section(actor=actor, plan=plan, section="adaptation",
                          data={**(plan.adaptation or {}), "measures": measures})


def set_not_applicable(*, actor: User | None, plan: PlanVersion, typology: int, reason: str) -> PlanVersion:
    """Declare a typology "sans objet sur notre territoire" with its reason (an empty reason withdraws it)."""
    adaptation = plan.adaptation or {}
    kept = [n for n in adaptation.get("not_applicable", []) if n.get("typology") != typology]
    if (reason or "").strip():
        kept.append({"typology": typology, "reason": reason})
    kept.sort(key=lambda n: n["typology"])
    return update_section(actor=actor, plan=plan, section="adaptation",
                          data={**adaptation, "measures": adaptation.get("measures", []), "not_applicable": kept})


@atomic()
def validate_plan(*, actor: User, plan: PlanVersion) -> PlanVersion:
    """The référent validates a complete draft; an incomplete one is refused with what is missing."""
    _refuse_if_published(plan)
    if plan.status is PlanStatus.VALIDATED:
        raise ServiceError("already_validated", f"Le {_label(plan)} est déjà validé.", status=409)
    if missing := missing_items(plan):
        raise ServiceError("incomplete", f"Le {_label(plan)} ne peut pas être validé : "
                                         f"{pluriel(len(missing), 'élément manquant', 'éléments manquants')}.",
                           fields={"missing": [m.message for m in missing]}, status=409)
    by_id, by_label = actor.id, actor.full_name or actor.email  # read before the change: a load would autoflush
    plan.status, plan.validated_at, plan.validated_by_id, plan.validated_by_label = \
        PlanStatus.VALIDATED, utcnow(), by_id, by_label
    audit.record(actor=actor, action="plan.validate", object_type="plan", object_id=plan.id,
                 summary=f"{_label(plan).capitalize()} validé par {plan.validated_by_label}",
                 changes={"status": [PlanStatus.DRAFT.value, PlanStatus.VALIDATED.value]})
    return plan


def freeze(plan: PlanVersion) -> dict:
    """The figures and names a published version keeps for good."""
    from crisis_app.plan import activities

    return {"at": utcnow().isoformat(), "directory": figures.directory_figures(), "stock": figures.stock_figures(),
            "people": {str(k): v for k, v in figures.professional_names(people_ids(plan)).items()},
            "organisations": {str(k): v for k, v in figures.organisation_names().items()
                              if k in retex_recipients(plan)},
            "activities": [activities.as_dict(a) for a in activities.for_year(plan.year)]}


@atomic()
def publish_plan(*, actor: User, plan: PlanVersion) -> PlanVersion:
    """Publish a validated version: its figures are frozen, it never changes again, and its PDF goes to the
    tutelles it names (ARS, CPAM, MSA) through the outbox."""
    _refuse_if_published(plan)
    if plan.status is not PlanStatus.VALIDATED:
        raise ServiceError("not_validated", f"Le {_label(plan)} doit être validé par le référent avant d'être "
                                            "publié.", status=409)
    frozen, by_id, by_label = freeze(plan), actor.id, actor.full_name or actor.email
    # every attribute set at once, after every read: a lazy load in between would flush half a publication
    plan.frozen, plan.status, plan.published_at, plan.published_by_id, plan.published_by_label = \
        frozen, PlanStatus.PUBLISHED, utcnow(), by_id, by_label
    audit.record(actor=actor, action="plan.publish", object_type="plan", object_id=plan.id,
                 summary=f"{_label(plan).capitalize()} publié par {plan.published_by_label}",
                 changes={"status": [PlanStatus.VALIDATED.value, PlanStatus.PUBLISHED.value]})
    from crisis_app.plan import dispatch

    dispatch.send_published(actor=actor, plan=plan)
    return plan


def start_next_year(*, actor: User | None) -> PlanVersion:
    """Next year's draft, a copy of the latest published version."""
    source = published_plan()
    if source is None:
        raise ServiceError("no_published_plan", "Aucune version publiée à reprendre : publiez d'abord un plan.",
                           status=409)
    return create_draft(actor=actor, year=source.year + 1)

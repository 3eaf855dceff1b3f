"""The batched upsert shared by every directory import, and the report it fills.

Validated lines go in; one query per batch finds who exists, one unit of work per batch writes them (committed on
its own when the import runs outside a unit, in a worker; part of the caller's unit otherwise, a CLI command); a
contact typed by hand is never replaced by an import, and an empty imported value never blanks one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from crisis_app.core import audit
from crisis_app.core.db import ConflictError, atomic, db
from crisis_app.core.models import User
from crisis_app.directory.professionals.models import Professional, ProfessionalTag
from crisis_app.directory.professionals.services import ENUM_FIELDS
from crisis_app.directory.validation import format_phone_for_display

BATCH_SIZE = 500
MAX_REJECTIONS_KEPT = 1000  # the count goes on; only the first ones are listed, so memory stays flat
SAMPLE_SIZE = 20
CONTACT_FIELDS = ("mobile_phone", "email")  # each has a ``<field>_source`` column
NEVER_BLANKED = ("mobile_phone", "email", "structure_phone")
CONTACT_LABELS = {"mobile_phone": "Mobile", "email": "E-mail"}
# Why a contact of the file was not taken, by where the contact in the directory came from.
KEPT_BECAUSE = {
    "manual": "saisi à la main dans Vigie : une saisie manuelle n'est jamais remplacée par un import",
    "csv": "importé d'un fichier de la CPTS, qui prime sur l'Annuaire Santé",
    "annuaire": "venu de l'Annuaire Santé",
}


@dataclass
class Rejection:
    line: int
    identifier: str
    reason: str


@dataclass
class KeptContact:
    """A contact of the file that differs from the directory's and was not taken, with the reason."""

    line: int
    identifier: str
    name: str
    field: str
    in_file: str
    kept: str
    reason: str


@dataclass
class ImportReport:
    kind: str  # "annuaire" | "csv"
    file_name: str
    dry_run: bool
    territory: str = ""
    lines_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # out of the territory
    rejected_count: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    created_sample: list[dict] = field(default_factory=list)
    updated_sample: list[dict] = field(default_factory=list)
    kept_count: int = 0  # contacts of the file not taken (a protected one was kept)
    kept: list[KeptContact] = field(default_factory=list)
    without_consent: int = 0  # people of the file no alert can reach: no consent in force

    def as_dict(self) -> dict[str, Any]:
        """Plain values, to keep the report with its import (JSON)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> ImportReport:
        values = dict(values)
        values["rejected"] = [Rejection(**r) for r in values.get("rejected", [])]
        values["kept"] = [KeptContact(**k) for k in values.get("kept", [])]
        return cls(**values)

    def keep(self, contact: KeptContact) -> None:
        self.kept_count += 1
        if len(self.kept) < MAX_REJECTIONS_KEPT:
            self.kept.append(contact)

    def reject(self, line: int, identifier: str, reason: str) -> None:
        self.rejected_count += 1
        if len(self.rejected) < MAX_REJECTIONS_KEPT:
            self.rejected.append(Rejection(line, identifier, reason))

    def figures(self) -> dict[str, int]:
        return {"lines_read": self.lines_read, "created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, "rejected": self.rejected_count, "skipped": self.skipped}

    def notices(self) -> dict[str, int]:
        """What the coordinator must know beyond the counts: contacts not taken, people no alert reaches."""
        return {"contacts_kept": self.kept_count, "without_consent": self.without_consent}

    def summary(self) -> str:
        text = (f"{self.created} créée(s), {self.updated} mise(s) à jour, {self.unchanged} inchangée(s), "
                f"{self.rejected_count} ligne(s) rejetée(s)")
        if self.kind == "annuaire":
            text += f", {self.skipped} ligne(s) hors territoire"
        if self.kept_count:
            text += f", {self.kept_count} coordonnée(s) du fichier non reprise(s) (saisies protégées)"
        if self.without_consent:
            text += f", {self.without_consent} personne(s) sans consentement aux alertes"
        return text


class ProgressMeter:
    """Tells ``report(fraction)`` each time another percent of a file of ``total`` characters has been read."""

    def __init__(self, total: int, report: Callable[[float], None] | None):
        self.total, self.report = max(total, 1), report
        self.read, self.next_step = 0, 0.01

    def feed(self, size: int) -> None:
        if self.report is None:
            return
        self.read += size
        if self.read >= self.next_step * self.total:
            fraction = min(self.read / self.total, 0.99)  # 100 % is said when the import is over
            self.next_step = fraction + 0.01
            self.report(fraction)


# --- batched upsert ----------------------------------------------------------------------------------------

def _plain(value: Any) -> Any:
    return value.value if hasattr(value, "value") else value


def plan_changes(current: dict[str, Any], incoming: dict[str, Any], *, source: str,
                 replaceable: frozenset[str]) -> dict[str, Any]:
    """The fields to write on an existing professional, following the contact rules.

    An empty imported value never blanks a phone or an e-mail; a contact typed by hand (source
    ``manual``) is never replaced; an empty contact is filled and one from a replaceable source updated.
    """
    changes: dict[str, Any] = {}
    for key, new in incoming.items():
        old = current.get(key)
        if new == old or (key in NEVER_BLANKED and not new):
            continue
        if key in CONTACT_FIELDS:
            if old and current.get(f"{key}_source") not in replaceable:
                continue
            changes[f"{key}_source"] = source
        changes[key] = new
    return changes


def kept_contacts(current: dict[str, Any], incoming: dict[str, Any], *, replaceable: frozenset[str]) -> list[str]:
    """Contacts the file would change but ``plan_changes`` keeps, because the directory's comes from a source
    the import may not replace (typed by hand, most often)."""
    return [k for k in CONTACT_FIELDS
            if incoming.get(k) and current.get(k) and incoming[k] != current[k]
            and current.get(f"{k}_source") not in replaceable]


@dataclass
class _Pending:
    line: int
    data: dict[str, Any]

    @property
    def label(self) -> str:
        return f"RPPS {self.data['rpps']}" if self.data.get("rpps") else f"ADELI {self.data.get('adeli')}"


class BatchUpserter:
    """Validated lines in, one query per batch to find who exists, one unit of work per batch."""

    def __init__(self, *, report: ImportReport, actor: User | None, source: str, replaceable: Iterable[str],
                 dry_run: bool, batch_size: int = BATCH_SIZE, on_batch: Callable[[ImportReport], None] | None = None):
        self.report, self.actor, self.source, self.dry_run = report, actor, source, dry_run
        self.replaceable = frozenset(replaceable)
        self.batch_size, self.on_batch = batch_size, on_batch
        self.pending: list[_Pending] = []
        self.seen: set[tuple[str, str]] = set()
        self.mobiles: dict[str, int | None] = {}  # mobile -> entry (None: created) a line of this file gave it

    def add(self, line: int, data: dict[str, Any]) -> None:
        """Queue a validated line; a person already met in this file counts as unchanged."""
        keys = {(k, data[k]) for k in ("rpps", "adeli") if data.get(k)}
        if keys & self.seen:
            self.report.unchanged += 1
            return
        self.seen |= keys
        self.pending.append(_Pending(line, data))
        if len(self.pending) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        items, self.pending = self.pending, []
        if not items:
            return
        with atomic():
            mobiles = dict(self.mobiles)
            try:
                with atomic(savepoint=True):
                    outcomes = self._write(items)
            except ConflictError:
                self.mobiles = mobiles  # the batch was undone: its mobiles were not given
                # someone saved one of these numbers meanwhile: retry line by line so only that one is refused
                outcomes = [o for item in items for o in self._write_alone(item)]
        for outcome in outcomes:
            outcome(self.report)
        if self.on_batch:
            self.on_batch(self.report)

    def finish(self, *, file_label: str) -> ImportReport:
        """Write the last batch and the summary audit row (none for a dry run, which writes nothing)."""
        self.flush()
        report = self.report
        if self.dry_run:  # nothing was written: no line was added to the session, no audit row either
            return report
        with atomic():
            audit.record(actor=self.actor, action="directory.import", object_type="directory",
                         summary=f"Import {file_label} « {report.file_name} » : {report.summary()}",
                         changes={k: [None, v] for k, v in (report.figures() | report.notices()).items()})
        return report

    def _write_alone(self, item: _Pending) -> list[Callable[[ImportReport], None]]:
        mobiles = dict(self.mobiles)
        try:
            with atomic(savepoint=True):
                return self._write([item])
        except ConflictError:
            self.mobiles = mobiles
            return [_rejected(item, "Ce numéro vient d'être enregistré par une autre saisie : réimportez le fichier.")]

    def _write(self, items: list[_Pending]) -> list[Callable[[ImportReport], None]]:
        by_rpps, by_adeli = self._existing(items)
        self._holders = self._mobile_holders(items)
        outcomes, created = [], []
        for item in items:
            found = {p.id: p for p in (by_rpps.get(item.data.get("rpps")), by_adeli.get(item.data.get("adeli"))) if p}
            if len(found) > 1:
                outcomes.append(_rejected(item, "Le RPPS et l'ADELI désignent deux fiches différentes de l'annuaire."))
            elif found:
                outcomes.append(self._update(item, next(iter(found.values()))))
            elif (refusal := self._mobile_refusal(item.data.get("mobile_phone"), None)) is not None:
                outcomes.append(_rejected(item, refusal))
            else:
                created.append(item)
        outcomes.extend(self._create(created))
        return outcomes

    def _mobile_holders(self, items: list[_Pending]) -> dict[str, set[int]]:
        """Which active entries hold each mobile of the batch (one query)."""
        mobiles = {i.data["mobile_phone"] for i in items if i.data.get("mobile_phone")}
        if not mobiles:
            return {}
        holders: dict[str, set[int]] = {}
        rows = db.session.execute(sa.select(Professional.mobile_phone, Professional.id)
                                  .where(Professional.active.is_(True), Professional.mobile_phone.in_(mobiles)))
        for mobile, professional_id in rows:
            holders.setdefault(mobile, set()).add(professional_id)
        return holders

    def _mobile_refusal(self, mobile: str | None, professional_id: int | None) -> str | None:
        """Why a line may not give ``mobile`` to this entry (None: it may): another active entry has it, or another
        line of the file gave it. Sharing a mobile is the coordinator's decision, made in the entry."""
        if not mobile:
            return None
        others = self._holders.get(mobile, set()) - {professional_id}
        earlier = self.mobiles.get(mobile, professional_id)
        if others or earlier != professional_id or (professional_id is None and mobile in self.mobiles):
            return (f"Mobile {format_phone_for_display(mobile)} déjà celui d'une autre fiche active : deux fiches "
                    "actives n'ont le même mobile que si le coordinateur le marque « partagé » dans la fiche ; "
                    "ligne non importée.")
        self.mobiles[mobile] = professional_id
        return None

    def _existing(self, items: list[_Pending]) -> tuple[dict, dict]:
        rpps = [i.data["rpps"] for i in items if i.data.get("rpps")]
        adeli = [i.data["adeli"] for i in items if i.data.get("adeli")]
        clauses = ([Professional.rpps.in_(rpps)] if rpps else []) + ([Professional.adeli.in_(adeli)] if adeli else [])
        stmt = sa.select(Professional).where(sa.or_(*clauses)).options(selectinload(Professional.consents))
        if any("tags" in i.data for i in items):
            stmt = stmt.options(selectinload(Professional.tags))
        rows = db.session.scalars(stmt).all()
        return {p.rpps: p for p in rows if p.rpps}, {p.adeli: p for p in rows if p.adeli}

    def _update(self, item: _Pending, professional: Professional) -> Callable[[ImportReport], None]:
        keys = list(item.data) + [f"{k}_source" for k in CONTACT_FIELDS if k in item.data]
        current = {k: professional.skill_list if k == "tags" else _plain(getattr(professional, k)) for k in keys}
        changes = plan_changes(current, item.data, source=self.source, replaceable=self.replaceable)
        if "mobile_phone" in changes and professional.active and \
                (refusal := self._mobile_refusal(changes["mobile_phone"], professional.id)) is not None:
            return _rejected(item, refusal)
        notes = [_kept(item, professional, key, current) for key in
                 kept_contacts(current, item.data, replaceable=self.replaceable)]
        if not any(c.granted for c in professional.consents):
            notes.append(_unreachable)
        if not changes:
            return _together(_counted("unchanged"), *notes)
        audited = {k: [current.get(k), v] for k, v in changes.items() if not k.endswith("_source")}
        if not self.dry_run:
            _assign(professional, changes)
            audit.record(actor=self.actor, action="professional.import_update", object_type="professional",
                         object_id=professional.id, summary=f"Fiche mise à jour par import : "
                         f"{professional.display_name}", changes=audited)
        sample = {"name": professional.display_name, "identifier": item.label, "changes": audited}
        return _together(_counted("updated", sample), *notes)

    def _create(self, items: list[_Pending]) -> list[Callable[[ImportReport], None]]:
        professionals = []
        for item in items:
            values = dict(item.data)
            for key in CONTACT_FIELDS:
                if values.get(key):
                    values[f"{key}_source"] = self.source
            professional = Professional(last_name="", first_name="", profession_code="", profession="")
            _assign(professional, values)
            professionals.append(professional)
        if not self.dry_run and professionals:
            db.session.add_all(professionals)
            db.session.flush()
            for professional, item in zip(professionals, items, strict=True):
                audit.record(actor=self.actor, action="professional.import_create", object_type="professional",
                             object_id=professional.id, summary=f"Fiche créée par import : "
                             f"{professional.display_name}", changes=audit.changes_between({}, item.data))
        # an import never brings a consent: whoever it creates cannot be alerted yet
        return [_together(_counted("created", {"name": p.display_name, "identifier": i.label,
                                               "profession": p.profession,
                                               "commune": p.commune_name or p.commune_code or ""}), _unreachable)
                for p, i in zip(professionals, items, strict=True)]


def _assign(professional: Professional, values: dict[str, Any]) -> None:
    for key, value in values.items():
        if key == "tags":
            kept = [t for t in professional.tags if t.tag in value]
            have = {t.tag for t in kept}
            professional.tags = kept + [ProfessionalTag(tag=t) for t in value if t not in have]
        elif key in ENUM_FIELDS:
            setattr(professional, key, ENUM_FIELDS[key](value) if value else None)
        else:
            setattr(professional, key, value)


def _counted(what: str, sample: dict | None = None) -> Callable[[ImportReport], None]:
    def outcome(report: ImportReport) -> None:
        setattr(report, what, getattr(report, what) + 1)
        samples = getattr(report, f"{what}_sample", None)
        if sample is not None and samples is not None and len(samples) < SAMPLE_SIZE:
            samples.append(sample)

    return outcome


def _together(*outcomes: Callable[[ImportReport], None]) -> Callable[[ImportReport], None]:
    def outcome(report: ImportReport) -> None:
        for each in outcomes:
            each(report)

    return outcome


def _unreachable(report: ImportReport) -> None:
    report.without_consent += 1


def _shown(key: str, value: str) -> str:
    return format_phone_for_display(value) if key == "mobile_phone" else value


def _kept(item: _Pending, professional: Professional, key: str,
          current: dict[str, Any]) -> Callable[[ImportReport], None]:
    source = current.get(f"{key}_source") or "manual"
    contact = KeptContact(line=item.line, identifier=item.label, name=professional.display_name,
                          field=CONTACT_LABELS[key], in_file=_shown(key, item.data[key]),
                          kept=_shown(key, current[key]), reason=KEPT_BECAUSE.get(source, source))
    return lambda report: report.keep(contact)


def _rejected(item: _Pending, reason: str) -> Callable[[ImportReport], None]:
    return lambda report: report.reject(item.line, item.label, reason)

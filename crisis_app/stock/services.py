"""Every change to the stock: the lot's quantity, its ledger row and its audit row in one unit of work.

A quantity only moves through a single UPDATE that the database evaluates (``quantity - n`` guarded
by ``quantity >= n``): two people handing out the last boxes at the same moment cannot both succeed,
whatever they read before, and the CHECK constraint on ``stock_lot`` backs this up.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from crisis_app.core import audit, crisis_context
from crisis_app.core.db import atomic, db
from crisis_app.core.errors import ServiceError
from crisis_app.core.formats import pluriel
from crisis_app.core.labels import labels
from crisis_app.core.models import User
from crisis_app.directory.organisations.models import Organisation
from crisis_app.directory.professionals.models import Professional
from crisis_app.stock import signals
from crisis_app.stock.models import (
    ItemCategory,
    MovementKind,
    StockItem,
    StockLocation,
    StockLot,
    StockMovement,
)
from crisis_app.stock.schemas import MAX_ID, MAX_QUANTITY

ITEM_FIELDS = ("name", "unit", "category", "alert_threshold", "active", "pack_size", "pack_content")
PACK_FIELDS = ("pack_size", "pack_content")  # may be set back to nothing


def _refuse(errors: dict[str, list[str]], message: str = "Mouvement invalide : corrigez les champs signalés.") -> None:
    if errors:
        raise ServiceError("validation_error", message, fields=errors)


def _get(model: type, object_id: int | None):
    if object_id is None or not 1 <= object_id <= MAX_ID:
        return None
    return db.session.get(model, object_id)


def _name_conflict(message: str) -> ServiceError:
    """The 409 for a unique name the check before the write missed (the unique index decides).

    The check compares lower() in SQL: SQLite's lowers ASCII only, so "École" and "école" pass it there."""
    return ServiceError("conflict", message, field="name", status=409)


# --- items and locations -------------------------------------------------------------------------

def _item_errors(values: dict[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if "name" in values and not (values["name"] or "").strip():
        errors["name"] = ["Le nom de l'article est obligatoire."]
    if "unit" in values and not (values["unit"] or "").strip():
        errors["unit"] = ["L'unité est obligatoire (boîte de 50, paire, flacon…)."]
    if "category" in values and values["category"] not in labels(ItemCategory):
        errors["category"] = ["Catégorie inconnue."]
    threshold = values.get("alert_threshold", 0)
    if not isinstance(threshold, int) or not 0 <= threshold <= MAX_QUANTITY:
        errors["alert_threshold"] = [f"Le seuil d'alerte est un nombre entre 0 et {MAX_QUANTITY}."]
    errors.update(_pack_errors(values))
    return errors


def _pack_errors(values: dict[str, Any]) -> dict[str, list[str]]:
    size, content = values.get("pack_size"), (values.get("pack_content") or "").strip()
    if size is not None and (not isinstance(size, int) or isinstance(size, bool) or not 2 <= size <= MAX_QUANTITY):
        return {"pack_size": [f"Contenu d'une unité : un nombre entier entre 2 et {MAX_QUANTITY}."]}
    if size and not content:
        return {"pack_content": ["Précisez ce qui est compté dans l'unité, au singulier (masque, gant…)."]}
    if content and not size:
        return {"pack_size": ["Précisez combien l'unité en contient (20 pour une boîte de 20)."]}
    return {}


def _name_taken(model: type, name: str, exclude_id: int | None = None) -> bool:
    stmt = sa.select(model.id).where(sa.func.lower(model.name) == name.lower())
    if exclude_id is not None:
        stmt = stmt.where(model.id != exclude_id)
    return db.session.scalar(stmt) is not None


def create_item(*, actor: User | None, name: str, unit: str, category: str = "autre",
                alert_threshold: int = 0, pack_size: int | None = None,
                pack_content: str | None = None) -> StockItem:
    """Add an article to the catalogue, with the threshold under which the daily check warns."""
    values = {"name": name, "unit": unit, "category": category or "autre", "alert_threshold": alert_threshold,
              "pack_size": pack_size, "pack_content": (pack_content or "").strip() or None}
    _refuse(_item_errors(values), "Article invalide : corrigez les champs signalés.")
    name = name.strip()
    conflict = f"Un article nommé « {name} » existe déjà."
    if _name_taken(StockItem, name):
        raise ServiceError("conflict", conflict, field="name", status=409)
    with atomic(conflict=_name_conflict(conflict)):
        item = StockItem(name=name, unit=unit.strip(), category=ItemCategory(values["category"]),
                         alert_threshold=alert_threshold,
                         pack_size=values["pack_size"] if values["pack_content"] else None,
                         pack_content=values["pack_content"])
        db.session.add(item)
        db.session.flush()
        audit.record(actor=actor, action="stock.item.create", object_type="stock_item", object_id=item.id,
                     summary=f"Article créé : {name} ({item.unit}), seuil d'alerte {alert_threshold}",
                     changes={k: [None, v] for k, v in values.items()})
    return item


def update_item(*, actor: User | None, item: StockItem, **changes: Any) -> StockItem:
    """Rename an article, change its unit, category, threshold or retire it."""
    values = {k: v for k, v in changes.items() if k in ITEM_FIELDS and (v is not None or k in PACK_FIELDS)}
    if "pack_content" in values:
        values["pack_content"] = (values["pack_content"] or "").strip() or None
    pack = {k: values.get(k, getattr(item, k)) for k in PACK_FIELDS}
    _refuse({**_item_errors(values), **_pack_errors(pack)}, "Article invalide : corrigez les champs signalés.")
    if "name" in values:
        values["name"] = values["name"].strip()
        if _name_taken(StockItem, values["name"], exclude_id=item.id):
            raise ServiceError("conflict", f"Un article nommé « {values['name']} » existe déjà.", field="name",
                               status=409)
    before = {f: getattr(item, f) for f in ITEM_FIELDS}
    with atomic(conflict=_name_conflict(f"Un article nommé « {values.get('name', item.name)} » existe déjà.")):
        for key, value in values.items():
            if key == "category":
                value = ItemCategory(value)
            elif isinstance(value, str):
                value = value.strip()
            setattr(item, key, value)
        diff = audit.changes_between(before, {f: getattr(item, f) for f in ITEM_FIELDS})
        if diff:
            audit.record(actor=actor, action="stock.item.update", object_type="stock_item", object_id=item.id,
                         summary=f"Article modifié : {item.name}", changes=diff)
    return item


def create_location(*, actor: User | None, name: str, address: str | None = None) -> StockLocation:
    """Add a storage location."""
    name = (name or "").strip()
    if not name:
        _refuse({"name": ["Le nom du lieu est obligatoire."]}, "Lieu invalide.")
    conflict = f"Un lieu de stockage nommé « {name} » existe déjà."
    if _name_taken(StockLocation, name):
        raise ServiceError("conflict", conflict, field="name", status=409)
    with atomic(conflict=_name_conflict(conflict)):
        location = StockLocation(name=name, address=(address or "").strip() or None)
        db.session.add(location)
        db.session.flush()
        audit.record(actor=actor, action="stock.location.create", object_type="stock_location",
                     object_id=location.id, summary=f"Lieu de stockage créé : {name}",
                     changes={"name": [None, name], "address": [None, location.address]})
    return location


def update_location(*, actor: User | None, location: StockLocation, name: str,
                    address: str | None = None) -> StockLocation:
    """Rename a storage location or change its address."""
    name = (name or "").strip()
    if not name:
        _refuse({"name": ["Le nom du lieu est obligatoire."]}, "Lieu invalide.")
    conflict = f"Un lieu de stockage nommé « {name} » existe déjà."
    if _name_taken(StockLocation, name, exclude_id=location.id):
        raise ServiceError("conflict", conflict, field="name", status=409)
    before = {"name": location.name, "address": location.address}
    with atomic(conflict=_name_conflict(conflict)):
        location.name, location.address = name, (address or "").strip() or None
        if diff := audit.changes_between(before, {"name": location.name, "address": location.address}):
            audit.record(actor=actor, action="stock.location.update", object_type="stock_location",
                         object_id=location.id, summary=f"Lieu de stockage modifié : {name}", changes=diff)
    return location


# --- movements -----------------------------------------------------------------------------------

def _check_quantity(quantity: Any, errors: dict, *, field: str = "quantity", minimum: int = 1) -> None:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or not minimum <= quantity <= MAX_QUANTITY:
        errors[field] = [f"La quantité est un nombre entier entre {minimum} et {MAX_QUANTITY}."]


def _lot(lot_id: int | None, errors: dict) -> StockLot | None:
    lot = _get(StockLot, lot_id)
    if lot is None:
        errors["lot_id"] = ["Choisissez un lot existant." if lot_id else "Le lot est obligatoire."]
    return lot


def _crisis(crisis_id: int | None, errors: dict) -> None:
    if crisis_id is not None and crisis_context.get(crisis_id) is None:
        errors["crisis_id"] = ["Crise inconnue."]


def _change(lot: StockLot, delta: int, *, guard: bool) -> int | None:
    """Move ``lot``'s quantity by ``delta`` in the database; None when a guarded take finds too little."""
    stmt = (sa.update(StockLot).where(StockLot.id == lot.id).values(quantity=StockLot.quantity + delta)
            .returning(StockLot.quantity).execution_options(synchronize_session=False))
    if guard:
        stmt = stmt.where(StockLot.quantity >= -delta)
    after = db.session.execute(stmt).scalar_one_or_none()
    db.session.expire(lot, ["quantity"])
    return after


def _insufficient(lot: StockLot, wanted: int) -> ServiceError:
    lot_id, item_name, unit, location_name = lot.id, lot.item.name, lot.item.unit, lot.location.name
    # each statement reads what is committed (READ COMMITTED): the quantity the guarded UPDATE found too small
    remaining = db.session.scalar(sa.select(StockLot.quantity).where(StockLot.id == lot_id))
    return ServiceError("insufficient_stock",
                        f"Stock insuffisant : il reste {remaining} × {unit} de « {item_name} » dans ce lot "
                        f"({location_name}), {pluriel(wanted, 'demandé', 'demandés')}.", field="quantity", status=409)


def _ledger(*, actor: User | None, kind: MovementKind, lot: StockLot, delta: int, after: int, summary: str,
            **details: Any) -> StockMovement:
    details = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in details.items()}
    movement = StockMovement(kind=kind, lot_id=lot.id, item_id=lot.item_id, location_id=lot.location_id,
                             delta=delta, quantity_after=after, actor_id=actor.id if actor else None,
                             actor_label=actor.email if actor else audit.SYSTEM_LABEL, **details)
    db.session.add(movement)
    db.session.flush()
    audit.record(actor=actor, action=f"stock.{kind.value}", object_type="stock_movement", object_id=movement.id,
                 summary=summary, changes={"lot": [None, lot.id], "quantity": [after - delta, after],
                                           **{k: [None, v] for k, v in details.items() if v is not None}})
    if kind is MovementKind.DISTRIBUTION:
        signals.handed_out.send(movement, crisis_id=movement.crisis_id, summary=summary, actor=actor)
    return movement


def _find_or_create_lot(item: StockItem, location: StockLocation, lot_number: str | None,
                        expires_on: date | None) -> StockLot:
    lot = db.session.scalar(sa.select(StockLot).where(
        StockLot.item_id == item.id, StockLot.location_id == location.id,
        StockLot.lot_number.is_(None) if lot_number is None else StockLot.lot_number == lot_number,
        StockLot.expires_on.is_(None) if expires_on is None else StockLot.expires_on == expires_on))
    if lot is None:
        lot = StockLot(item=item, location=location, lot_number=lot_number, expires_on=expires_on, quantity=0)
        db.session.add(lot)
        db.session.flush()
    return lot


@atomic()
def receive(*, actor: User | None, item_id: int | None, location_id: int | None, quantity: int,
            lot_number: str | None = None, expires_on: date | None = None, crisis_id: int | None = None,
            reason: str | None = None) -> StockMovement:
    """Record equipment coming in: into the matching lot at that location, or a new one."""
    errors: dict[str, list[str]] = {}
    item, location = _get(StockItem, item_id), _get(StockLocation, location_id)
    if item is None:
        errors["item_id"] = ["Choisissez un article existant."]
    if location is None:
        errors["location_id"] = ["Choisissez un lieu de stockage existant."]
    _check_quantity(quantity, errors)
    _crisis(crisis_id, errors)
    _refuse(errors)
    lot = _find_or_create_lot(item, location, (lot_number or "").strip() or None, expires_on)
    after = _change(lot, quantity, guard=False)
    return _ledger(actor=actor, kind=MovementKind.RECEPTION, lot=lot, delta=quantity, after=after,
                   summary=f"Réception de {quantity} × {item.unit} de « {item.name} » ({location.name})",
                   crisis_id=crisis_id, reason=reason)


@atomic()
def distribute(*, actor: User | None, lot_id: int | None, quantity: int, professional_id: int | None = None,
               organisation_id: int | None = None, structure: str | None = None, crisis_id: int | None = None,
               reason: str | None = None) -> StockMovement:
    """Hand equipment out to a professional of the directory, a partner organisation or another structure;
    refused beyond the stock. An organisation is recorded by its name, as a structure."""
    errors: dict[str, list[str]] = {}
    lot = _lot(lot_id, errors)
    _check_quantity(quantity, errors)
    _crisis(crisis_id, errors)
    structure = (structure or "").strip() or None
    professional = _get(Professional, professional_id)
    organisation = _get(Organisation, organisation_id)
    if professional_id is not None and professional is None:
        errors["professional_id"] = ["Professionnel inconnu de l'annuaire."]
    elif organisation_id is not None and (organisation is None or not organisation.active):
        errors["organisation_id"] = ["Organisation partenaire inconnue ou désactivée."]
    elif organisation is not None and (professional is not None or structure is not None):
        errors["organisation_id"] = ["Choisissez un seul destinataire : l'organisation ou le professionnel et la "
                                     "structure."]
    elif professional is None and organisation is None and structure is None:
        errors["structure"] = ["Indiquez le professionnel ou la structure qui reçoit le matériel (ou une "
                               "organisation partenaire)."]
    _refuse(errors)
    after = _change(lot, -quantity, guard=True)
    if after is None:
        raise _insufficient(lot, quantity)
    structure = organisation.name if organisation is not None else structure
    recipient = professional.display_name if professional else structure
    return _ledger(actor=actor, kind=MovementKind.DISTRIBUTION, lot=lot, delta=-quantity, after=after,
                   summary=f"Distribution de {lot.item.handed_out_text(quantity)} de « {lot.item.name} » "
                           f"({lot.location.name}) à {recipient}",
                   professional_id=professional_id, structure=structure, crisis_id=crisis_id, reason=reason)


@atomic()
def write_off(*, actor: User | None, lot_id: int | None, kind: MovementKind | str, quantity: int,
              reason: str | None = None, crisis_id: int | None = None) -> StockMovement:
    """Take out lost (perte) or expired (péremption) equipment; a loss says why."""
    errors: dict[str, list[str]] = {}
    lot = _lot(lot_id, errors)
    _check_quantity(quantity, errors)
    _crisis(crisis_id, errors)
    kind = MovementKind(kind) if kind in (MovementKind.PERTE, MovementKind.PEREMPTION) else None
    if kind is None:
        errors["kind"] = ["Sortie possible : perte ou péremption."]
    reason = (reason or "").strip() or None
    if kind is MovementKind.PERTE and reason is None:
        errors["reason"] = ["Précisez la cause de la perte."]
    _refuse(errors)
    after = _change(lot, -quantity, guard=True)
    if after is None:
        raise _insufficient(lot, quantity)
    return _ledger(actor=actor, kind=kind, lot=lot, delta=-quantity, after=after,
                   summary=f"{kind.label} : {quantity} × {lot.item.unit} de « {lot.item.name} » "
                           f"({lot.location.name}){' — ' + reason if reason else ''}",
                   reason=reason, crisis_id=crisis_id)


@atomic()
def count_inventory(*, actor: User | None, lot_id: int | None, counted: int, reason: str | None) -> StockMovement:
    """Set a lot to what was counted on the shelf; the gap is a ledger row with its mandatory reason."""
    errors: dict[str, list[str]] = {}
    lot = _lot(lot_id, errors)
    _check_quantity(counted, errors, field="counted", minimum=0)
    reason = (reason or "").strip() or None
    if reason is None:
        errors["reason"] = ["Le motif de la correction d'inventaire est obligatoire."]
    _refuse(errors)
    # The row lock makes a distribution running meanwhile wait, so the gap is computed on what it leaves.
    before = db.session.execute(sa.select(StockLot.quantity).where(StockLot.id == lot.id)
                                .with_for_update()).scalar_one()
    after = _change(lot, counted - before, guard=False)
    return _ledger(actor=actor, kind=MovementKind.INVENTAIRE, lot=lot, delta=counted - before, after=after,
                   summary=f"Inventaire de « {lot.item.name} » ({lot.location.name}) : {before} → {counted} "
                           f"— {reason}", reason=reason)


MOVEMENT_ARGS = {
    MovementKind.RECEPTION: ("item_id", "location_id", "quantity", "lot_number", "expires_on", "crisis_id",
                             "reason"),
    MovementKind.DISTRIBUTION: ("lot_id", "quantity", "professional_id", "organisation_id", "structure", "crisis_id",
                                "reason"),
    MovementKind.PERTE: ("lot_id", "quantity", "reason", "crisis_id"),
    MovementKind.PEREMPTION: ("lot_id", "quantity", "reason", "crisis_id"),
    MovementKind.INVENTAIRE: ("lot_id", "counted", "reason"),
}
REQUIRED_ARGS = {"item_id", "location_id", "lot_id", "quantity", "counted"}


def record_movement(*, actor: User | None, kind: MovementKind | str, **data: Any) -> StockMovement:
    """Record a movement of any kind from one mapping (the API's entry point)."""
    kind = MovementKind(kind)
    names = MOVEMENT_ARGS[kind]
    missing = {n: ["Ce champ est obligatoire pour ce type de mouvement."] for n in names
               if n in REQUIRED_ARGS and data.get(n) is None}
    _refuse(missing)
    args = {n: data.get(n) for n in names}
    if kind is MovementKind.RECEPTION:
        return receive(actor=actor, **args)
    if kind is MovementKind.DISTRIBUTION:
        return distribute(actor=actor, **args)
    if kind is MovementKind.INVENTAIRE:
        return count_inventory(actor=actor, **args)
    return write_off(actor=actor, kind=kind, **args)

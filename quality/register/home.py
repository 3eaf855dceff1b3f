"""Home cards: declare (everyone); events to triage and EIGS deadlines (quality referents)."""

from __future__ import annotations

from flask import url_for

from crisis_app.core.db import utcnow
from crisis_app.core.formats import pluriel
from crisis_app.core.home import Card, card_provider
from quality.register import query


@card_provider("quality.declare", order=30)
def _declare_card(user):
    yield Card(title="Événement indésirable", value="Déclarer", tone="neutral",
               detail="Deux minutes, anonyme si vous le souhaitez, sans donnée identifiant le patient.",
               url=url_for("quality.declare"), action="Déclarer un EIAS")


@card_provider("quality.manage", order=6)
def _triage_card(user):
    count = query.count_to_triage()
    yield Card(title="EIAS à trier", value=str(count), tone="warn" if count else "ok",
               detail="Déclarations en attente de cotation et de décision." if count else "Rien en attente.",
               url=url_for("quality_review.register", state="a_trier"), action="Ouvrir le registre")


@card_provider("quality.manage", order=7)
def _eigs_card(user):
    pending = query.eigs_deadlines()
    if not pending:
        return
    today = utcnow().date()
    first = pending[0]
    if first.eigs_part2_due_on is None:
        value, detail, tone = "Partie 1 à transmettre", f"{first.reference} : sans délai à l'ARS.", "alert"
    else:
        days = (first.eigs_part2_due_on - today).days
        value = (f"dans {pluriel(days, 'jour', 'jours')}" if days > 0 else "Échéance aujourd'hui" if days == 0
                 else f"en retard de {pluriel(-days, 'jour', 'jours')}")
        detail = f"{first.reference} : partie 2 attendue le {first.eigs_part2_due_on:%d/%m/%Y}."
        tone = "alert" if days <= 7 else "warn" if days <= 30 else "neutral"
    yield Card(title=f"EIGS en cours ({len(pending)})", value=value, detail=detail, tone=tone,
               url=url_for("quality_review.eigs", event_id=first.id), action="Suivi EIGS")

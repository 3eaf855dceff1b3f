"""The directory's home cards: the directory's state for the crisis team, "Ma fiche" for the professionals."""

from __future__ import annotations

from flask import url_for

from crisis_app.core.home import Card, card_provider
from crisis_app.directory.professionals import query, services
from crisis_app.directory.validation import freshness


@card_provider("directory.read", order=10)
def _directory_card(user):
    counts = query.directory_counts()
    tone = "ok" if counts["to_confirm"] == 0 else "warn"  # red is kept for crises and alerts
    yield Card(title="Annuaire", value=f"{counts['people']} professionnels",
               detail=f"Joignables par SMS : {counts['phones']} · par e-mail : {counts['emails']} · "
                      f"fiches à confirmer : {counts['to_confirm']}",
               url=url_for("directory.index"), action="Ouvrir l'annuaire", tone=tone)


@card_provider("directory.self", order=80)
def _my_entry_card(user):
    professional = services.professional_for_user(user)
    if professional is None:
        return
    state = freshness(professional.confirmed_at)
    yield Card(title="Ma fiche annuaire", value=professional.full_name,
               detail="Vos coordonnées sont à jour." if state == "ok"
               else "Confirmez vos coordonnées et vos consentements.",
               url=url_for("directory.my_entry"), action="Mettre à jour ma fiche", tone=state)


CARDS = (_directory_card, _my_entry_card)

"""How the audit trail reads for people: French labels for actions, objects and fields, never codes.

Core knows its own actions; a domain adds its own with ``register_labels(actions=…, objects=…, fields=…)`` in
its ``init_app`` (the domains of today are listed here until they do). An action nobody labelled is shown from
its parts ("stock.item.create" → "Article de stock : création") rather than as a code.
"""

from __future__ import annotations

ACTION_LABELS: dict[str, str] = {
    "auth.login": "Connexion",
    "auth.login_failed": "Connexion refusée (mot de passe incorrect)",
    "auth.logout": "Déconnexion",
    "user.create": "Création d'un compte",
    "user.update": "Modification d'un compte",
    "user.password": "Changement de mot de passe",
    "token.create": "Création d'un jeton d'API",
    "outbox.reply_unmatched": "Réponse SMS sans message qui l'attende",
    # domains (until each registers its own)
    "alert.send": "Envoi d'une alerte",
    "alert.cancel": "Annulation d'une alerte",
    "alert.end": "Fin d'une alerte",
    "alert.answer": "Réponse à une alerte",
    "alert.reply_unparsed": "Réponse SMS non comprise",
    "audience.create": "Création d'une liste de diffusion",
    "audience.delete": "Suppression d'une liste de diffusion",
    "crisis.open": "Ouverture d'une crise",
    "directory.export": "Export de l'annuaire",
    "directory.import": "Import dans l'annuaire",
    "organisation.create": "Création d'une organisation",
    "professional.activate": "Activation ou désactivation d'une fiche",
    "professional.confirm": "Confirmation d'une fiche",
    "professional.consent": "Consentement aux messages",
    "professional.create": "Création d'une fiche de l'annuaire",
    "professional.import_create": "Fiche créée par import",
    "professional.import_update": "Fiche mise à jour par import",
    "professional.link_user": "Fiche reliée à un compte",
    "professional.self_update": "Fiche mise à jour par le professionnel",
    "professional.update": "Modification d'une fiche de l'annuaire",
    "stock.check": "Contrôle du stock",
    "stock.item.create": "Création d'un article de stock",
    "stock.item.update": "Modification d'un article de stock",
    "stock.location.create": "Création d'un lieu de stockage",
}

OBJECT_LABELS: dict[str, str] = {
    "user": "Compte", "api_token": "Jeton d'API", "token": "Jeton d'API", "alert": "Alerte",
    "alert_recipient": "Destinataire d'alerte", "audience": "Liste de diffusion", "crisis": "Crise",
    "directory": "Annuaire", "organisation": "Organisation", "professional": "Fiche de l'annuaire",
    "stock": "Stock", "stock_item": "Article de stock", "stock_location": "Lieu de stockage",
    "stock_movement": "Mouvement de stock", "import": "Import", "message": "Message",
}

VERB_LABELS = {"create": "création", "update": "modification", "delete": "suppression", "send": "envoi",
               "cancel": "annulation", "end": "fin", "import": "import", "export": "export"}

FIELD_LABELS: dict[str, str] = {
    "full_name": "Nom", "email": "Adresse e-mail", "role": "Rôle", "active": "Actif",
    "password": "Mot de passe", "mobile_phone": "Mobile", "phone": "Téléphone", "name": "Nom",
    "quantity": "Quantité", "threshold": "Seuil", "status": "État", "title": "Titre",
}


def register_labels(*, actions: dict[str, str] | None = None, objects: dict[str, str] | None = None,
                    fields: dict[str, str] | None = None) -> None:
    """Add a domain's labels (called from its ``init_app``)."""
    ACTION_LABELS.update(actions or {})
    OBJECT_LABELS.update(objects or {})
    FIELD_LABELS.update(fields or {})


def action_label(action: str) -> str:
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    *subject, verb = action.split(".")
    thing = OBJECT_LABELS.get("_".join(subject)) or OBJECT_LABELS.get(subject[-1] if subject else "", "")
    return f"{thing or 'Objet'} : {VERB_LABELS.get(verb, verb.replace('_', ' '))}"


def object_label(object_type: str) -> str:
    return OBJECT_LABELS.get(object_type, object_type.replace("_", " ").capitalize())


def field_label(name: str) -> str:
    return FIELD_LABELS.get(name, name.replace("_", " ").capitalize())


def _value(value, field: str = "") -> str:
    if field == "role" and isinstance(value, str):
        from crisis_app.core.labels import label_of
        from crisis_app.core.roles import Role

        return label_of(Role, value)
    if value is None or value == "":
        return "∅"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list | tuple):
        return ", ".join(_value(v) for v in value) or "∅"
    return str(value)


def present(events, *, user_names: dict[int, str]) -> list[dict]:
    """What the audit page shows for each event: labels, the actor's name, changes in words."""
    rows = []
    for event in events:
        if event.actor is not None:
            actor = f"{event.actor.full_name} ({event.actor.email})"
        else:
            actor = "Système (tâche automatique)" if event.actor_label == "système" else event.actor_label
        thing = object_label(event.object_type)
        if event.object_type == "user" and event.object_id and event.object_id.isdigit():
            name = user_names.get(int(event.object_id))
            thing = f"{thing} de {name}" if name else f"{thing} n° {event.object_id}"
        elif event.object_id:
            thing = f"{thing} n° {event.object_id}"
        changes = [(field_label(str(k)), _value(v[0], str(k)), _value(v[1], str(k)))
                   for k, v in (event.changes or {}).items() if isinstance(v, list | tuple) and len(v) == 2]
        rows.append({"at": event.at, "actor": actor, "action": action_label(event.action), "object": thing,
                     "summary": event.summary, "changes": changes})
    return rows

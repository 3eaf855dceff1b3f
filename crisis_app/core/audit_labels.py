"""How the audit trail reads for people: French labels for actions, objects and fields, never codes.

Core knows its own actions; a domain adds its own with ``register_labels(actions=…, objects=…, fields=…)`` in
its ``init_app`` (the domains of today are listed here until they do). An action nobody labelled is shown from
its parts ("stock.item.create" → "Article de stock : création") rather than as a code.
"""

from __future__ import annotations

import re
from datetime import date, datetime

ACTION_LABELS: dict[str, str] = {
    "auth.login": "Connexion",
    "auth.login_failed": "Connexion refusée (mot de passe incorrect)",
    "auth.logout": "Déconnexion",
    "user.create": "Création d'un compte",
    "user.update": "Modification d'un compte",
    "user.invite": "Invitation à choisir un mot de passe",
    "user.password_reset_requested": "Demande de nouveau mot de passe",
    "user.password_set": "Mot de passe choisi par lien",
    "professional.contact_code": "Code envoyé pour confirmer une coordonnée",
    "professional.contact_verified": "Coordonnée confirmée par code",
    "user.attach_organisation": "Rattachement d'un compte à une organisation",
    "user.detach_organisation": "Détachement d'un compte de son organisation",
    "user.password": "Changement de mot de passe",
    "token.create": "Création d'un jeton d'API",
    "token.revoke": "Révocation d'un jeton d'API",
    "outbox.reply_unmatched": "Réponse SMS sans message qui l'attende",
    "outbox.provider_switch": "Bascule du fournisseur SMS",
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
    "stock.location.update": "Modification d'un lieu de stockage",
    "stock.notify": "Message d'alerte du stock aux référents",
    "stock.reception": "Stock : réception",
    "stock.distribution": "Stock : distribution",
    "stock.perte": "Stock : perte",
    "stock.peremption": "Stock : péremption",
    "stock.inventaire": "Stock : inventaire",
    "stock.write_off": "Stock : sortie",
    "stock.inventory": "Stock : inventaire",
    "stock.loss": "Stock : perte",
    "stock.expiry": "Stock : péremption",
    "audience.update": "Modification d'une liste de diffusion",
    "directory.campaign": "Campagne de confirmation des fiches",
    "directory.export_list": "Export d'une liste de mobilisation",
    "crisis.close": "Clôture d'une crise",
    "crisis.level": "Changement de gradation",
    "crisis.journal_entry": "Journal de bord : nouvelle entrée",
    "crisis.need_add": "Tableau des besoins : nouveau besoin",
    "crisis.need_update": "Tableau des besoins : besoin mis à jour",
    "crisis.cell_activate": "Activation de la cellule de crise",
    "crisis.evaluation_save": "Retour d'expérience enregistré",
    "crisis.evaluation_validate": "Retour d'expérience validé",
    "crisis.evaluation_send": "Retour d'expérience envoyé",
    "plan.draft": "Plan d'action : nouveau brouillon",
    "plan.edit": "Plan d'action : modification",
    "plan.validate": "Plan d'action : validation",
    "plan.publish": "Plan d'action : publication",
    "plan.activity.create": "Plan d'action : activité ajoutée",
    "plan.activity.update": "Plan d'action : activité modifiée",
    "quality.event.declare": "Déclaration d'un événement indésirable",
    "quality.event.transition": "Événement indésirable : changement d'étape",
    "quality.event.rate": "Événement indésirable : cotation",
    "quality.event.note": "Événement indésirable : note",
    "quality.event.redact": "Événement indésirable : passage caviardé",
    "quality.event.lessons": "Événement indésirable : enseignements",
    "quality.event.feedback": "Événement indésirable : retour au déclarant",
    "quality.eigs.update": "EIGS : déclaration à l'ARS",
    "quality.eigs.reminder": "EIGS : rappel",
    "quality.analysis.save": "Analyse enregistrée",
    "quality.analysis.present": "Analyse présentée en séance",
    "quality.analysis.validate": "Analyse validée",
    "quality.action.create": "Action d'amélioration : création",
    "quality.action.update": "Action d'amélioration : modification",
    "quality.action.transition": "Action d'amélioration : changement d'état",
    "quality.action.reminder": "Action d'amélioration : rappel",
    "quality.action.evidence": "Action d'amélioration : preuve d'efficacité",
    "quality.action.delete": "Action d'amélioration : suppression",
    "quality.indicator.create": "Indicateur qualité : création",
    "quality.indicator.value": "Indicateur qualité : valeur saisie",
    "quality.session.schedule": "Séance qualité : programmation",
    "quality.session.update": "Séance qualité : modification",
    "quality.session.invite": "Séance qualité : invitations envoyées",
    "quality.session.agenda": "Séance qualité : ordre du jour envoyé",
    "quality.session.attendance": "Séance qualité : présences",
    "quality.session.decision": "Séance qualité : décision",
    "quality.session.hold": "Séance qualité : tenue",
    "quality.session.minutes": "Séance qualité : compte rendu",
    "quality.session.minutes_sent": "Séance qualité : compte rendu envoyé",
    "quality.session.cancel": "Séance qualité : annulation",
    "quality.traceur.save": "Patient traceur : enregistrement",
    "quality.traceur.feedback": "Patient traceur : retour",
    "quality.theme.add": "Thème qualité : ajout",
    "quality.theme.active": "Thème qualité : activation ou retrait",
    "quality.settings.zones": "Qualité : zones du territoire",
    "quality.settings.public_link": "Qualité : nouvelle adresse de déclaration publique",
    "quality.settings.overdue": "Qualité : délais de relance",
}

OBJECT_LABELS: dict[str, str] = {
    "user": "Compte", "api_token": "Jeton d'API", "token": "Jeton d'API", "alert": "Alerte",
    "alert_recipient": "Destinataire d'alerte", "audience": "Liste de diffusion", "crisis": "Crise",
    "directory": "Annuaire", "organisation": "Organisation", "professional": "Fiche de l'annuaire",
    "stock": "Stock", "stock_item": "Article de stock", "stock_location": "Lieu de stockage",
    "stock_movement": "Mouvement de stock", "import": "Import", "message": "Message",
    "crisis_need": "Besoin", "crisis_evaluation": "Retour d'expérience", "plan": "Plan d'action",
    "plan_activity": "Activité du plan", "adverse_event": "Événement indésirable",
    "quality_action": "Action d'amélioration",
    "quality_analysis": "Analyse", "quality_indicator": "Indicateur qualité", "quality_session": "Séance qualité",
    "quality_settings": "Paramètres qualité", "quality_programme_settings": "Paramètres du programme qualité",
    "quality_theme": "Thème qualité", "quality_traceur": "Patient traceur", "quality_event": "Événement indésirable",
    "quality_eigs": "EIGS", "eigs": "EIGS", "session": "Séance", "traceur": "Patient traceur", "event": "Événement",
    "analysis": "Analyse", "action": "Action", "indicator": "Indicateur", "activity": "Activité",
    "settings": "Paramètres", "theme": "Thème", "campaign": "Campagne", "need": "Besoin", "evaluation": "RETEX",
}

VERB_LABELS = {"create": "création", "update": "modification", "delete": "suppression", "send": "envoi",
               "cancel": "annulation", "end": "fin", "import": "import", "export": "export", "add": "ajout",
               "edit": "modification", "save": "enregistrement", "validate": "validation", "publish": "publication",
               "draft": "brouillon", "open": "ouverture", "close": "clôture", "transition": "changement d'état",
               "schedule": "programmation", "invite": "invitations", "attendance": "présences", "hold": "tenue",
               "decision": "décision", "minutes": "compte rendu", "agenda": "ordre du jour", "rate": "cotation",
               "note": "note", "feedback": "retour", "reminder": "rappel", "evidence": "preuve", "value": "valeur",
               "present": "présentation", "declare": "déclaration", "answer": "réponse", "confirm": "confirmation",
               "activate": "activation", "notify": "notification", "check": "contrôle", "reception": "réception",
               "distribution": "distribution", "public_link": "adresse publique", "active": "activation",
               "level": "gradation", "resend": "renvoi", "invitation": "invitation", "reset": "réinitialisation"}

FIELD_LABELS: dict[str, str] = {
    "full_name": "Nom", "email": "Adresse e-mail", "role": "Rôle", "active": "Actif",
    "password": "Mot de passe", "mobile_phone": "Mobile", "phone": "Téléphone", "name": "Nom",
    "quantity": "Quantité", "threshold": "Seuil", "status": "État", "title": "Titre",
    "state": "État", "typology": "Typologie", "gradation": "Gradation", "is_exercise": "Exercice",
    "authority": "Autorité", "authority_reference": "Référence de l'autorité", "closed_at": "Clôturée le",
    "is_eigs": "EIGS", "anonymous": "Anonyme", "consent_email": "Consentement e-mail",
    "consent_sms": "Consentement SMS", "consent_method": "Mode de recueil du consentement", "civility": "Civilité",
    "last_name": "Nom", "first_name": "Prénom", "profession_code": "Profession (code)", "profession": "Profession",
    "practice_mode": "Mode d'exercice", "structure_name": "Structure", "structure_type": "Type de structure",
    "structure": "Structure", "commune_code": "Commune (code INSEE)", "commune_name": "Commune",
    "postal_code": "Code postal", "crisis_role": "Rôle de crise", "membership": "Appartenance", "tags": "Compétences",
    "user_id": "Compte", "rpps": "RPPS", "adeli": "ADELI", "address": "Adresse", "kind": "Type",
    "category": "Catégorie", "criteria": "Critères", "members": "Membres", "contacts": "Contacts",
    "alert_threshold": "Seuil d'alerte", "pack_content": "Contenu du conditionnement",
    "pack_size": "Taille du conditionnement", "unit": "Unité", "lot": "Lot", "reason": "Motif",
    "done_on": "Réalisée le", "planned_on": "Prévue le", "starts_at": "Début", "year": "Année", "entry": "Entrée",
    "participant_ids": "Participants", "professional_id": "Fiche", "source_id": "Source", "id": "Numéro",
    "receives_evaluations": "Reçoit les retours d'expérience", "ars_reference": "Référence ARS",
    "referent_severity": "Gravité (référent)", "referent_likelihood": "Vraisemblance (référent)",
    "eigs_part1_sent_on": "EIGS partie 1 envoyée le", "eigs_part2_due_on": "EIGS partie 2 attendue le",
    "message": "Message", "reference": "Référence", "owner": "Responsable", "due_on": "Échéance",
    "text": "Texte", "description": "Description", "location": "Lieu", "item": "Article",
    "recipients": "Destinataires", "deliveries": "Envois", "organisation_id": "Organisation partenaire",
    "session_version": "Version de session", "mobile_shared": "Mobile partagé",
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
    """``consent_sms`` → "Consentement SMS"; a nested plan field ``pilotage.cellule_place`` is named by its last
    part; an unknown name is written in words ("Cellule place"), never as an identifier."""
    name = str(name)
    if name in FIELD_LABELS:
        return FIELD_LABELS[name]
    last = name.rsplit(".", 1)[-1]
    return FIELD_LABELS.get(last, last.replace("_", " ").capitalize())


def _labelled_enums(base) -> list:
    found, pending = [], list(base.__subclasses__())
    while pending:
        cls = pending.pop(0)
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


def _code_label(value: str, field: str, object_type: str = "") -> str | None:
    """The French label of a stored code: from the labelled enums that know the value, the one named like the field
    (``state`` → ``State``, ``status`` of a ``quality_session`` → ``SessionStatus``), else the first declared."""
    from crisis_app.core.labels import LabelledStrEnum

    enums = [cls for cls in _labelled_enums(LabelledStrEnum) if value in cls._value2member_map_]
    if not enums:
        return None
    key = field.rsplit(".", 1)[-1].replace("_", "")
    hints = [w for w in object_type.split("_") if w]

    def score(cls) -> tuple[int, int]:
        name = cls.__name__.lower()
        return (name == key or name.endswith(key), sum(w in name for w in hints))

    return max(enums, key=score)(value).label


def _number_label(value: int, field: str) -> str | None:
    """``typology`` 4 → its label, ``referent_severity`` 3 → "Majeure": the labelled int enum named like the field
    (or its last word)."""
    from crisis_app.core.labels import LabelledIntEnum

    key = field.rsplit(".", 1)[-1]
    for cls in _labelled_enums(LabelledIntEnum):
        name = cls.__name__.lower()
        if name in (key, key.rsplit("_", 1)[-1]) and value in cls._value2member_map_:
            return cls(value).label
    return None


def value_label(value, field: str = "", object_type: str = "") -> str:
    """A value of an audit row's change as a reader reads it: labels for codes, "oui"/"non", "∅" for nothing."""
    field = str(field)
    if value is None or value == "":
        return "∅"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list | tuple):
        return ", ".join(value_label(v, field, object_type) for v in value) or "∅"
    if isinstance(value, int):
        return _number_label(value, field) or str(value)
    if isinstance(value, str):
        if field == "role":
            from crisis_app.core.labels import label_of
            from crisis_app.core.roles import Role

            return label_of(Role, value)
        return _code_label(value, field, object_type) or _moment(value) or value
    return str(value)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _moment(value: str) -> str | None:
    """An ISO date or timestamp (how the audit stores them) as a French page writes it, in Paris time."""
    from crisis_app.core.timez import paris_date, paris_datetime

    try:
        if _ISO_MOMENT.fullmatch(value[:16]) and len(value) <= 40:
            return paris_datetime(datetime.fromisoformat(value))
        if _ISO_DATE.fullmatch(value):
            return paris_date(date.fromisoformat(value))
    except ValueError:
        return None
    return None


def register_filters(app) -> None:
    """``{{ name|audit_field }}`` and ``{{ value|audit_value(name) }}``: a page that shows an audit row's changes
    (a directory record's history) reads them as the audit trail does."""
    app.add_template_filter(field_label, "audit_field")
    app.add_template_filter(value_label, "audit_value")


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
        kind = event.object_type or ""
        changes = [(field_label(str(k)), value_label(v[0], str(k), kind), value_label(v[1], str(k), kind))
                   for k, v in (event.changes or {}).items() if isinstance(v, list | tuple) and len(v) == 2]
        rows.append({"at": event.at, "actor": actor, "action": action_label(event.action), "object": thing,
                     "summary": event.summary, "changes": changes})
    return rows

"""A questionnaire as data: dimensions and their questions, from a CSV the CPTS keeps (``dimension;question;sens``)
or from the two demo questionnaires written for Vigie's demo (not validated instruments: their notes say so)."""

from __future__ import annotations

import csv
import io
from typing import Any

from crisis_app.core.errors import ServiceError

MAX_QUESTIONS = 80
CSV_MAX_BYTES = 64 * 1024
NEGATIVE_WORDS = {"inverse", "inversé", "inversée", "negatif", "négatif", "negative", "-", "oui"}

DEMO_SAFETY = {
    "title": "Culture de sécurité de l'équipe (questionnaire de démonstration)",
    "note": "Questionnaire court écrit pour la démonstration de Vigie : ce n'est pas un instrument validé. La CPTS "
            "importe celui qu'elle utilise.",
    "dimensions": [
        {"label": "Travail en équipe", "questions": [
            {"text": "Dans l'équipe, nous nous entraidons quand la charge de travail est forte."},
            {"text": "Les informations utiles sur un patient circulent bien entre nous."}]},
        {"label": "Signalement des événements", "questions": [
            {"text": "Je signale un événement indésirable même quand il n'a pas eu de conséquence."},
            {"text": "J'ai peur que ce que je signale soit retenu contre moi.", "negative": True}]},
        {"label": "Retour d'expérience", "questions": [
            {"text": "Nous sommes informés des changements décidés après un événement."},
            {"text": "Les mêmes erreurs se reproduisent sans que rien ne change.", "negative": True}]},
    ]}

DEMO_SATISFACTION = {
    "title": "Votre avis sur votre prise en charge (questionnaire de démonstration)",
    "note": "Questionnaire court écrit pour la démonstration de Vigie : ce n'est pas un instrument validé.",
    "dimensions": [
        {"label": "Accueil et accès", "questions": [
            {"text": "J'ai obtenu un rendez-vous dans un délai qui me convenait."},
            {"text": "J'ai été bien accueilli."}]},
        {"label": "Information et coordination", "questions": [
            {"text": "On m'a expliqué mon traitement de façon compréhensible."},
            {"text": "Les professionnels qui me suivent se transmettent les informations."}]},
    ]}


def _refuse(message: str, field: str = "questionnaire") -> ServiceError:
    return ServiceError("validation_error", message, field=field)


def check(dimensions: Any) -> list[dict]:
    """The dimensions as stored: each a label and 1+ questions (text, negative); 422 otherwise."""
    if not isinstance(dimensions, list) or not dimensions:
        raise _refuse("Le questionnaire a au moins une dimension.")
    cleaned, count = [], 0
    for dimension in dimensions:
        label = str((dimension or {}).get("label") or "").strip() if isinstance(dimension, dict) else ""
        questions = dimension.get("questions") if isinstance(dimension, dict) else None
        if not label or len(label) > 200 or not isinstance(questions, list) or not questions:
            raise _refuse("Chaque dimension a un nom (200 caractères au plus) et au moins une question.")
        rows = []
        for question in questions:
            text = str((question or {}).get("text") or "").strip() if isinstance(question, dict) else ""
            if not text or len(text) > 500:
                raise _refuse("Chaque question a un texte (500 caractères au plus).")
            rows.append({"text": text, "negative": bool(question.get("negative"))})
        count += len(rows)
        cleaned.append({"label": label, "questions": rows})
    if count > MAX_QUESTIONS:
        raise _refuse(f"Au plus {MAX_QUESTIONS} questions.")
    return cleaned


def from_csv(content: bytes) -> list[dict]:
    """Dimensions read from a CSV (``;`` or ``,``; columns dimension, question and optionally sens = inversé)."""
    if len(content) > CSV_MAX_BYTES:
        raise _refuse("Fichier trop volumineux (64 Ko au plus).", "file")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse("Fichier illisible : enregistrez-le en CSV UTF-8.", "file") from None
    header = text.splitlines()[0] if text else ""
    reader = csv.DictReader(io.StringIO(text), delimiter=";" if ";" in header else ",")
    fields = {(f or "").strip().lower(): f for f in reader.fieldnames or []}
    if "dimension" not in fields or "question" not in fields:
        raise _refuse("Colonnes attendues : dimension ; question ; sens (facultatif, « inversé »).", "file")
    by_label: dict[str, list[dict]] = {}
    for row in reader:
        label, question = (row.get(fields["dimension"]) or "").strip(), (row.get(fields["question"]) or "").strip()
        if not label and not question:
            continue
        sense = (row.get(fields.get("sens", ""), "") or "").strip().lower() if "sens" in fields else ""
        by_label.setdefault(label, []).append({"text": question, "negative": sense in NEGATIVE_WORDS})
    return check([{"label": label, "questions": questions} for label, questions in by_label.items()])

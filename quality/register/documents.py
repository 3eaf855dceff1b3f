"""The EIGS declaration's two parts as pre-filled texts, to copy into the national reporting portal."""

from __future__ import annotations

from crisis_app.core.labels import label_of
from crisis_app.core.pdf import render_pdf
from quality import gate
from quality.register import vocab
from quality.register.models import AdverseEvent


def sources(event: AdverseEvent) -> list[gate.Source]:
    """The free texts the EIGS drafts print."""
    return [gate.Source(f"{event.reference} — {label}", getattr(event, name), event_id=event.id)
            for name, label in (("description", "récit"), ("immediate_measures", "mesures immédiates"),
                                ("barrier", "détection, récupération"), ("patient_informed_by", "patient informé par"),
                                ("ars_reference", "référence ARS"))]


def _line(label: str, value) -> str:
    return f"{label} : {value if value not in (None, '') else 'à compléter'}"


def _word(words, value) -> str:
    return label_of(words, value) if value else ""


def _date(value) -> str | None:
    return f"{value:%d/%m/%Y}" if value else None


def part1(event: AdverseEvent, *, cpts_name: str) -> str:
    """Part 1 (sans délai): nature, circumstances, first measures, patient informed."""
    informed = _word(vocab.PatientInformed, event.patient_informed) or None
    if event.patient_informed_on:
        informed = f"{informed} (le {event.patient_informed_on:%d/%m/%Y})"
    if event.patient_informed_by:
        informed = f"{informed}, par : {event.patient_informed_by}"
    lines = [
        f"DÉCLARATION D'EIGS — PARTIE 1 — {cpts_name}",
        _line("Référence interne", event.reference),
        _line("Référence ARS", event.ars_reference),
        _line("Date de survenue", _date(event.occurred_on)),
        _line("Date de découverte", _date(event.discovered_on)),
        _line("Lieu", event.place_label),
        _line("Professions concernées", ", ".join(event.profession_labels)),
        _line("Nature", event.nature_label),
        _line("Catégorie", event.category_label),
        _line("Patient : tranche d'âge", _word(vocab.AgeBand, event.age_band)),
        _line("Patient : sexe", _word(vocab.Sex, event.sex)),
        _line("Conséquence (gravité)", vocab.severity_choice(event.severity) if event.severity else ""),
        "", "Circonstances :", event.description,
        "", "Premières mesures prises :", event.immediate_measures,
        "", _line("Patient ou entourage informé", informed),
    ]
    return "\n".join(lines)


def part2(event: AdverseEvent, *, cpts_name: str) -> str:
    """Part 2 (within 3 months): handling, in-depth analysis, corrective plan — the analysis fields to complete."""
    lines = [
        f"DÉCLARATION D'EIGS — PARTIE 2 — {cpts_name}",
        _line("Référence interne", event.reference),
        _line("Référence ARS", event.ars_reference),
        _line("Partie 1 transmise le", _date(event.eigs_part1_sent_on)),
        _line("Partie 2 attendue au plus tard le", _date(event.eigs_part2_due_on)),
        "", "Rappel des circonstances :", event.description,
        "", "Prise en charge et mesures immédiates :", event.immediate_measures,
        "", "Barrières (ce qui a permis de détecter ou d'arrêter l'événement) :", event.barrier or "à compléter",
        "", "Analyse approfondie (méthode ALARM ou ORION : chronologie, écarts, facteurs contributifs) :",
        "à compléter",
        "", "Plan d'actions correctives (action, responsable, échéance) :", "à compléter",
        "", _line("Évitabilité (déclarant)", _word(vocab.Avoidability, event.avoidability)),
        _line("Criticité (gravité × vraisemblance)",
              f"{event.criticality} ({event.severity} × {event.likelihood})"),
    ]
    return "\n".join(lines)


PDF_CSS = """
@page { size: A4; margin: 18mm 16mm; @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; } }
body { font-family: sans-serif; font-size: 10pt; color: #111; }
h1 { font-size: 14pt; margin: 0 0 4mm; }
.meta { color: #555; font-size: 8.5pt; margin-bottom: 6mm; }
.text { white-space: pre-wrap; line-height: 1.4; }
"""


def pdf(title: str, text: str, *, cpts_name: str, generated: str) -> bytes:
    """One part of the EIGS declaration as a PDF (the same text as the page offers to copy)."""
    from flask import render_template

    html = render_template("quality/eigs_pdf.html", title=title, text=text, cpts=cpts_name, generated=generated)
    return render_pdf(html, stylesheets=[PDF_CSS])

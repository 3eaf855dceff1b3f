"""The words of sessions: their kinds, statuses and decisions, the patient traceur's lists, the suggested themes."""

from __future__ import annotations

from crisis_app.core.labels import LabelledStrEnum, label_of, labels  # noqa: F401 - templates


class SessionKind(LabelledStrEnum):
    CREX = "crex", "CREX"
    RMM = "rmm", "RMM"
    TRACEUR = "patient_traceur", "Patient traceur"
    PRACTICE_GROUP = "practice_group", "Groupe d'analyse des pratiques"
    COMPLEX_CASE = "complex_case", "Concertation autour d'un cas complexe"
    CRM_TRAINING = "crm_training", "Formation au travail en équipe (CRM)"


# The kinds that hold a theme and conclusions (the practice groups and the case concertations), and the kinds whose
# attendance the contract indicator "professionnels participant aux groupes d'analyse" counts by default.
DISCUSSION_KINDS = (SessionKind.PRACTICE_GROUP, SessionKind.COMPLEX_CASE)
ANALYSIS_GROUP_KINDS = (SessionKind.CREX, SessionKind.RMM, SessionKind.TRACEUR, SessionKind.PRACTICE_GROUP,
                        SessionKind.COMPLEX_CASE)


class SessionStatus(LabelledStrEnum):
    SCHEDULED = "scheduled", "Planifiée"
    HELD = "held", "Tenue"
    CANCELLED = "cancelled", "Annulée"


class Decision(LabelledStrEnum):
    SIMPLE = "simple", "Traitement simple"
    ANALYSIS = "analysis", "Analyse par un pilote non impliqué"
    RMM = "rmm", "Orienté en RMM"
    CLOSED = "closed", "Clôturé"


class TraceurSetting(LabelledStrEnum):
    VILLE = "ville", "Ville"
    HOPITAL = "hopital", "Hôpital"
    MEDICO_SOCIAL = "medico_social", "Médico-social"


class AgreementHow(LabelledStrEnum):
    ORAL = "oral", "Oral, noté par l'animateur"
    ECRIT = "ecrit", "Écrit, signé"
    REPRESENTANT = "representant", "Par son représentant légal ou la personne de confiance"


DEFAULT_THEMES = ("Plaies chroniques", "Personne âgée", "Iatrogénie médicamenteuse", "Parcours ville–hôpital",
                  "Soins non programmés", "Santé mentale", "Hypertension artérielle (HTA)",
                  "Insuffisance cardiaque")

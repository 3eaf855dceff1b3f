"""The words of the declaration form: value lists and their French labels (codes stay in the database)."""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    DECLARE = "declare"
    EN_TRI = "en_tri"
    NON_RETENU = "non_retenu"
    DOUBLON = "doublon"
    TRAITEMENT_SIMPLE = "traitement_simple"
    CREX = "crex"
    RMM = "rmm"
    EIGS = "eigs"
    PLANIFIE = "planifie"
    EN_ANALYSE = "en_analyse"
    PRESENTE = "presente"
    PLAN_VALIDE = "plan_valide"
    ACTIONS_EN_COURS = "actions_en_cours"
    ACTIONS_REALISEES = "actions_realisees"
    EFFICACITE_VERIFIEE = "efficacite_verifiee"
    CLOTURE = "cloture"
    REOUVERT = "reouvert"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    State.DECLARE: "Déclaré", State.EN_TRI: "En tri", State.NON_RETENU: "Non retenu", State.DOUBLON: "Doublon",
    State.TRAITEMENT_SIMPLE: "Traitement simple", State.CREX: "Orienté en CREX", State.RMM: "Orienté en RMM",
    State.EIGS: "EIGS (déclaration à l'ARS)", State.PLANIFIE: "Planifié en séance",
    State.EN_ANALYSE: "En analyse", State.PRESENTE: "Présenté", State.PLAN_VALIDE: "Plan d'actions validé",
    State.ACTIONS_EN_COURS: "Actions en cours", State.ACTIONS_REALISEES: "Actions réalisées",
    State.EFFICACITE_VERIFIEE: "Efficacité vérifiée", State.CLOTURE: "Clôturé", State.REOUVERT: "Réouvert",
}

# The triage decisions, in the order the triage page offers them.
DECISIONS = (State.NON_RETENU, State.DOUBLON, State.TRAITEMENT_SIMPLE, State.CREX, State.RMM, State.EIGS)

PLACES = {
    "cabinet": "Cabinet, maison ou centre de santé",
    "domicile": "Domicile du patient",
    "officine": "Officine",
    "ehpad": "EHPAD ou établissement médico-social",
    "transition": "Transition ville–hôpital",
    "teleconsultation": "Téléconsultation",
    "autre": "Autre lieu",
}

PROFESSIONS = {
    "medecin_generaliste": "Médecin généraliste",
    "medecin_specialiste": "Médecin spécialiste",
    "infirmier": "Infirmier(e)",
    "pharmacien": "Pharmacien(ne)",
    "kinesitherapeute": "Masseur-kinésithérapeute",
    "sage_femme": "Sage-femme",
    "chirurgien_dentiste": "Chirurgien-dentiste",
    "biologiste": "Biologiste, laboratoire",
    "etablissement": "Équipe hospitalière ou d'établissement",
    "secretariat": "Secrétariat, accueil",
    "transport": "Transport sanitaire",
    "autre": "Autre",
}

NATURES = {
    "dysfonctionnement": "Dysfonctionnement sans conséquence pour le patient",
    "porteur_de_risque": "Événement porteur de risque (évité de justesse)",
    "eias": "Événement indésirable associé aux soins (EIAS)",
    "eig": "Événement indésirable grave",
    "suspicion_eigs": "Suspicion d'EIGS (décès, mise en jeu du pronostic vital, déficit permanent probable)",
}

CATEGORIES = {
    "parcours": "Parcours et coordination ville–hôpital–médico-social",
    "communication": "Communication interprofessionnelle",
    "organisation": "Organisation du cabinet, accueil",
    "medicament": "Médicament (prescription, dispensation, administration, observance)",
    "diagnostic": "Diagnostic",
    "examens": "Examens et suivi des résultats",
    "actes": "Actes de soins",
    "identification": "Identification du patient",
    "dispositifs": "Dispositifs médicaux",
    "infection": "Infection et hygiène",
    "chute": "Chute",
    "informatique": "Informatique",
    "information": "Information et consentement du patient",
    "violence": "Violence",
    "autre": "Autre",
}

YES_NO_UNKNOWN = {"oui": "Oui", "non": "Non", "ne_sait_pas": "Ne sait pas"}
PATIENT_INFORMED = {"oui": "Oui", "non": "Non", "pas_encore": "Pas encore"}
AVOIDABILITY = {
    "evitable": "Évitable", "probablement_evitable": "Probablement évitable",
    "non_evitable": "Non évitable", "ne_sait_pas": "Ne sait pas",
}
AGE_BANDS = {
    "moins_2": "Moins de 2 ans", "2_17": "2 à 17 ans", "18_44": "18 à 44 ans", "45_64": "45 à 64 ans",
    "65_74": "65 à 74 ans", "75_84": "75 à 84 ans", "85_plus": "85 ans et plus", "inconnu": "Non précisé",
}
SEXES = {"femme": "Femme", "homme": "Homme", "inconnu": "Non précisé"}

# HAS severity scale and the likelihood scale of the research notes (to confirm: the words are configurable here).
SEVERITY = {
    1: "1 — Mineure (désagrément, sans conséquence pour la sécurité)",
    2: "2 — Significative (atteint le patient sans mettre sa sécurité en jeu)",
    3: "3 — Majeure (traitement spécifique ou surveillance accrue)",
    4: "4 — Critique (sa gestion devient prioritaire ; réversible)",
    5: "5 — Catastrophique (dommage irréversible ou décès)",
}
LIKELIHOOD = {
    1: "1 — Très improbable", 2: "2 — Très peu probable", 3: "3 — Peu probable",
    4: "4 — Possible ou probable", 5: "5 — Très probable à certain",
}
SEVERITY_SHORT = {1: "Mineure", 2: "Significative", 3: "Majeure", 4: "Critique", 5: "Catastrophique"}

ZONES = {"acceptable": "Acceptable", "sous_controle": "Sous contrôle", "inacceptable": "Inacceptable"}


def label(mapping: dict, code) -> str:
    """The French label of ``code`` in ``mapping`` (the code itself when unknown, never an error)."""
    if code is None:
        return ""
    return mapping.get(code, str(code))

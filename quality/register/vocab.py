"""The words of the register: the event's states, the declaration form's value lists, the severity and likelihood
scales, the criticality zones — each value with its French label, written once (codes stay in the database)."""

from __future__ import annotations

from crisis_app.core.labels import LabelledIntEnum, LabelledStrEnum, label_of, labels  # noqa: F401 - templates


class State(LabelledStrEnum):
    DECLARE = 'declare', 'Déclaré'
    EN_TRI = 'en_tri', 'En tri'
    NON_RETENU = 'non_retenu', 'Non retenu'
    DOUBLON = 'doublon', 'Doublon'
    TRAITEMENT_SIMPLE = 'traitement_simple', 'Traitement simple'
    CREX = 'crex', 'Orienté en CREX'
    RMM = 'rmm', 'Orienté en RMM'
    EIGS = 'eigs', "EIGS (déclaration à l'ARS)"
    PLANIFIE = 'planifie', 'Planifié en séance'
    EN_ANALYSE = 'en_analyse', 'En analyse'
    PRESENTE = 'presente', 'Présenté'
    PLAN_VALIDE = 'plan_valide', "Plan d'actions validé"
    ACTIONS_EN_COURS = 'actions_en_cours', 'Actions en cours'
    ACTIONS_REALISEES = 'actions_realisees', 'Actions réalisées'
    EFFICACITE_VERIFIEE = 'efficacite_verifiee', 'Efficacité vérifiée'
    CLOTURE = 'cloture', 'Clôturé'
    REOUVERT = 'reouvert', 'Réouvert'


# The triage decisions, in the order the triage page offers them.
DECISIONS = (State.NON_RETENU, State.DOUBLON, State.TRAITEMENT_SIMPLE, State.CREX, State.RMM, State.EIGS)


class Place(LabelledStrEnum):
    """Where the event happened."""

    CABINET = 'cabinet', 'Cabinet, maison ou centre de santé'
    DOMICILE = 'domicile', 'Domicile du patient'
    OFFICINE = 'officine', 'Officine'
    EHPAD = 'ehpad', 'EHPAD ou établissement médico-social'
    TRANSITION = 'transition', 'Transition ville–hôpital'
    TELECONSULTATION = 'teleconsultation', 'Téléconsultation'
    AUTRE = 'autre', 'Autre lieu'


class Profession(LabelledStrEnum):
    """Who was concerned (several may be)."""

    MEDECIN_GENERALISTE = 'medecin_generaliste', 'Médecin généraliste'
    MEDECIN_SPECIALISTE = 'medecin_specialiste', 'Médecin spécialiste'
    INFIRMIER = 'infirmier', 'Infirmier(e)'
    PHARMACIEN = 'pharmacien', 'Pharmacien(ne)'
    KINESITHERAPEUTE = 'kinesitherapeute', 'Masseur-kinésithérapeute'
    SAGE_FEMME = 'sage_femme', 'Sage-femme'
    CHIRURGIEN_DENTISTE = 'chirurgien_dentiste', 'Chirurgien-dentiste'
    BIOLOGISTE = 'biologiste', 'Biologiste, laboratoire'
    ETABLISSEMENT = 'etablissement', "Équipe hospitalière ou d'établissement"
    SECRETARIAT = 'secretariat', 'Secrétariat, accueil'
    TRANSPORT = 'transport', 'Transport sanitaire'
    AUTRE = 'autre', 'Autre'


class Nature(LabelledStrEnum):
    """From a dysfunction without consequence to a suspected EIGS."""

    DYSFONCTIONNEMENT = 'dysfonctionnement', 'Dysfonctionnement sans conséquence pour le patient'
    PORTEUR_DE_RISQUE = 'porteur_de_risque', 'Événement porteur de risque (évité de justesse)'
    EIAS = 'eias', 'Événement indésirable associé aux soins (EIAS)'
    EIG = 'eig', 'Événement indésirable grave'
    SUSPICION_EIGS = ('suspicion_eigs',
                      "Suspicion d'EIGS (décès, mise en jeu du pronostic vital, déficit permanent probable)")


class Category(LabelledStrEnum):
    """What the event is about."""

    PARCOURS = 'parcours', 'Parcours et coordination ville–hôpital–médico-social'
    COMMUNICATION = 'communication', 'Communication interprofessionnelle'
    ORGANISATION = 'organisation', 'Organisation du cabinet, accueil'
    MEDICAMENT = 'medicament', 'Médicament (prescription, dispensation, administration, observance)'
    DIAGNOSTIC = 'diagnostic', 'Diagnostic'
    EXAMENS = 'examens', 'Examens et suivi des résultats'
    ACTES = 'actes', 'Actes de soins'
    IDENTIFICATION = 'identification', 'Identification du patient'
    DISPOSITIFS = 'dispositifs', 'Dispositifs médicaux'
    INFECTION = 'infection', 'Infection et hygiène'
    CHUTE = 'chute', 'Chute'
    INFORMATIQUE = 'informatique', 'Informatique'
    INFORMATION = 'information', 'Information et consentement du patient'
    VIOLENCE = 'violence', 'Violence'
    AUTRE = 'autre', 'Autre'


class YesNoUnknown(LabelledStrEnum):
    """Did it reach the patient? Was a handover at stake?"""

    OUI = 'oui', 'Oui'
    NON = 'non', 'Non'
    NE_SAIT_PAS = 'ne_sait_pas', 'Ne sait pas'


class PatientInformed(LabelledStrEnum):
    """Was the patient (or their family) told?"""

    OUI = 'oui', 'Oui'
    NON = 'non', 'Non'
    PAS_ENCORE = 'pas_encore', 'Pas encore'


class Avoidability(LabelledStrEnum):
    """Was it avoidable, in the declarer's view?"""

    EVITABLE = 'evitable', 'Évitable'
    PROBABLEMENT_EVITABLE = 'probablement_evitable', 'Probablement évitable'
    NON_EVITABLE = 'non_evitable', 'Non évitable'
    NE_SAIT_PAS = 'ne_sait_pas', 'Ne sait pas'


class AgeBand(LabelledStrEnum):
    """The patient's age, as a band only."""

    MOINS_2 = 'moins_2', 'Moins de 2 ans'
    FROM_2_17 = '2_17', '2 à 17 ans'
    FROM_18_44 = '18_44', '18 à 44 ans'
    FROM_45_64 = '45_64', '45 à 64 ans'
    FROM_65_74 = '65_74', '65 à 74 ans'
    FROM_75_84 = '75_84', '75 à 84 ans'
    FROM_85_PLUS = '85_plus', '85 ans et plus'
    INCONNU = 'inconnu', 'Non précisé'


class Sex(LabelledStrEnum):
    """The patient's sex."""

    FEMME = 'femme', 'Femme'
    HOMME = 'homme', 'Homme'
    INCONNU = 'inconnu', 'Non précisé'


# HAS severity scale and the likelihood scale of the research notes (to confirm: the words are configurable here).
class Severity(LabelledIntEnum):
    """Gravité (HAS), 1 to 5."""

    MINOR = 1, "Mineure"
    SIGNIFICANT = 2, "Significative"
    MAJOR = 3, "Majeure"
    CRITICAL = 4, "Critique"
    CATASTROPHIC = 5, "Catastrophique"


# What each grade means, shown beside it where the grade is chosen.
SEVERITY_MEANING = {
    Severity.MINOR: "désagrément, sans conséquence pour la sécurité",
    Severity.SIGNIFICANT: "atteint le patient sans mettre sa sécurité en jeu",
    Severity.MAJOR: "traitement spécifique ou surveillance accrue",
    Severity.CRITICAL: "sa gestion devient prioritaire ; réversible",
    Severity.CATASTROPHIC: "dommage irréversible ou décès",
}


class Likelihood(LabelledIntEnum):
    """Vraisemblance qu'il se reproduise, 1 to 5."""

    VERY_UNLIKELY = 1, "Très improbable"
    UNLIKELY = 2, "Très peu probable"
    RATHER_UNLIKELY = 3, "Peu probable"
    POSSIBLE = 4, "Possible ou probable"
    VERY_LIKELY = 5, "Très probable à certain"


def severity_choice(grade: int) -> str:
    """« 3 — Majeure (traitement spécifique ou surveillance accrue) »: a grade as the forms and documents show it."""
    severity = Severity(grade)
    return f"{severity.value} — {severity.label} ({SEVERITY_MEANING[severity]})"


def likelihood_choice(grade: int) -> str:
    likelihood = Likelihood(grade)
    return f"{likelihood.value} — {likelihood.label}"


class Zone(LabelledStrEnum):
    """The criticality zone (its bounds are the coordinator's setting)."""

    ACCEPTABLE = 'acceptable', 'Acceptable'
    SOUS_CONTROLE = 'sous_controle', 'Sous contrôle'
    INACCEPTABLE = 'inacceptable', 'Inacceptable'


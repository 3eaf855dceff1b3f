"""The crisis vocabulary, defined once for every package that speaks it (alerts, plan, crises): the national
outline's typologies and gradations, the questions an alert may ask with their answer options, and the built-in
alert presets.

It sits in core, below all of them, because the alert composer (alerts), the plan (below crises) and crises all
need the same words; the values stored in the database (typology 1–5, gradation 0–2, question kind) are these.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from crisis_app.core.labels import LabelledIntEnum, LabelledStrEnum


class Typology(LabelledIntEnum):
    """The five typologies of the national outline (labels as the outline words them)."""

    OFFRE_DE_SOINS = 1, "Altération de l'offre de soins"
    NRC = 2, "Patients atteints par un agent nucléaire, radiologique ou chimique (NRC)"
    AGENT_INFECTIEUX = 3, "Patients atteints par un agent infectieux émergent"
    PERSONNES_VULNERABLES = 4, "Prise en charge de malades, notamment personnes âgées (canicule, grand froid)"
    BLESSES = 5, "Blessés somatiques ou psychiques (attentats, explosions)"


class Gradation(LabelledIntEnum):
    """How far the CPTS mobilises once the authorities rated the gravity; veille before (and between) them."""

    VEILLE = 0, "Veille"
    GRADATION_1 = 1, "Gradation 1"
    GRADATION_2 = 2, "Gradation 2"

    @property
    def meaning(self) -> str:
        """What the national outline means by this gradation."""
        return _MEANINGS[self.value]

    @property
    def described(self) -> str:
        """« Gradation 1 — mobilisation renforcée, même organisation »."""
        return f"{self.label} — {self.meaning}"


_MEANINGS = {0: "aucune mobilisation particulière", 1: "mobilisation renforcée, même organisation",
             2: "structures dédiées à la prise en charge des patients"}
# The gradations the plan describes measures for (veille asks for none).
PLAN_GRADATIONS = (Gradation.GRADATION_1, Gradation.GRADATION_2)


class QuestionKind(LabelledStrEnum):
    """What an alert asks of the people it reaches."""

    NONE = "none", "Aucune question"
    ACK = "ack", "Accusé de réception"
    AVAILABILITY = "availability", "Disponibilité"
    CELL = "cell", "Participation à la cellule de crise"
    LIBERAL = "liberal", "Disponibilité (libéraux)"


class ValueKind(LabelledStrEnum):
    """What an answer option asks besides the choice: an hour, a number or a yes/no (stored as text)."""

    TIME = "time", "heure"
    COUNT = "count", "nombre"
    FLAG = "flag", "oui / non"


NOT_AVAILABLE = "4"  # the availability scale's "Non disponible": not counted as mobilised
ANSWER_OPTIONS: dict[QuestionKind, list[dict]] = {
    QuestionKind.AVAILABILITY: [
        {"code": "1", "label": "Disponible immédiatement"},
        {"code": "2", "label": "Disponible sous 1 h"},
        {"code": "3", "label": "Disponible sous 4 h"},
        {"code": NOT_AVAILABLE, "label": "Non disponible"},
    ],
    QuestionKind.ACK: [{"code": "OK", "label": "Bien reçu"}],
    QuestionKind.CELL: [
        {"code": "A", "label": "J'arrive"},
        {"code": "V", "label": "En visio"},
        {"code": "N", "label": "Je ne peux pas"},
    ],
    # For liberal professionals: an option may carry a typed value ("value": a ValueKind) asked with the answer.
    # Codes follow the list order (the SMS short code "A2" is option 2) and "Non disponible" keeps code 4 as above.
    QuestionKind.LIBERAL: [
        {"code": "1", "label": "Disponible"},
        {"code": "2", "label": "Cabinet ouvert jusqu'à", "value": ValueKind.TIME.value},
        {"code": "3", "label": "Demi-journées cette semaine", "value": ValueKind.COUNT.value},
        {"code": NOT_AVAILABLE, "label": "Non disponible"},
        {"code": "5", "label": "Visites à domicile", "value": ValueKind.COUNT.value},
    ],
    QuestionKind.NONE: [],
}
# What a person is counted as when they answer (history, figures): these codes say "not available".
DECLINED = {QuestionKind.AVAILABILITY.value: NOT_AVAILABLE, QuestionKind.LIBERAL.value: NOT_AVAILABLE,
            QuestionKind.CELL.value: "N"}


# the cellule's "Je ne peux pas": the roll call offers to call the suppléant
CELL_DECLINED = DECLINED[QuestionKind.CELL.value]
CELL_JOINING = ("A", "V")

# What the person is told once their answer is recorded: what happens next.
_AFTER_ANSWER: dict[tuple[str, str | None], str] = {
    ("availability", "1"): "La cellule de crise vous recontacte pour vous dire où et quand intervenir : gardez votre "
                           "téléphone à portée. Si votre disponibilité change, modifiez votre réponse ici.",
    ("availability", "2"): "La cellule de crise vous recontacte pour vous dire où et quand intervenir, dans l'heure "
                           "si besoin. Si votre disponibilité change, modifiez votre réponse ici.",
    ("availability", "3"): "La cellule de crise vous recontacte si elle a besoin de vous dans les prochaines heures. "
                           "Si votre disponibilité change, modifiez votre réponse ici.",
    ("availability", NOT_AVAILABLE): "Merci de l'avoir dit : vous ne serez pas relancé pour cette alerte.",
    ("liberal", NOT_AVAILABLE): "Merci de l'avoir dit : vous ne serez pas relancé pour cette alerte.",
    ("liberal", None): "La cellule de crise compte votre réponse dans l'offre du territoire et vous recontacte si "
                       "besoin. Si elle change, modifiez votre réponse ici.",
    ("ack", None): "Merci : la cellule de crise sait que vous avez reçu le message. Aucune autre réponse n'est "
                   "attendue.",
    ("cell", "A"): "La cellule vous attend au lieu indiqué dans le message, pour le premier point de situation.",
    ("cell", "V"): "Rejoignez la visioconférence avec le lien du message, à l'heure du premier point de situation.",
    ("cell", CELL_DECLINED): "Merci de l'avoir dit : le référent appelle votre suppléant.",
}


def after_answer(question: str, code: str | None) -> str:
    """What happens next, told to the person who just answered (empty when nothing more to say)."""
    return _AFTER_ANSWER.get((question, code)) or _AFTER_ANSWER.get((question, None), "")


def is_available(question: str, code: str | None) -> bool | None:
    """Whether an answer says the person is available (None: the question does not ask it, or no answer)."""
    if code is None or question not in DECLINED:
        return None
    return code != DECLINED[question]


def options_for(question: str) -> list[dict]:
    """The answer options of a question kind (a copy: an alert stores its own)."""
    try:
        return [dict(o) for o in ANSWER_OPTIONS[QuestionKind(question)]]
    except ValueError:
        return []


@dataclass(frozen=True)
class Preset:
    """An alert preset: a message prepared for a typology at a gradation (None: any).

    Placeholders: {cpts} the CPTS's name, {titre} the alert's title, {gradation} the crisis's gradation. The answer
    link and the reply codes are appended by Vigie to every message that asks a question.
    """

    key: str
    name: str
    typology: int | None
    gradation: int | None
    title: str
    sms: str
    email: str
    question: str  # a QuestionKind value

    def as_dict(self) -> dict:
        return asdict(self)

    def stored(self) -> dict:
        """As a plan's measure holds it: the measure already says the typology and the gradation."""
        return {k: v for k, v in asdict(self).items() if k not in ("typology", "gradation")}


# Built-in SMS texts fit GSM-7 (core.gsm; a test checks each): no "—", « », ê, â, ç or ’ in them.
_SIGNATURE = "La cellule de crise, {cpts}"

BUILT_IN_PRESETS = (
    Preset(
        "offre-g1", "Altération de l'offre de soins — gradation 1", 1, 1,
        "Renfort demandé : offre de soins perturbée",
        "{cpts} : offre de soins perturbée sur le territoire (gradation {gradation}). Pouvez-vous renforcer "
        "vos plages ?",
        "Bonjour,\n\nL'offre de soins du territoire est perturbée ({titre}). La CPTS est en gradation {gradation} : "
        "nous vous demandons d'ouvrir des plages supplémentaires si vous le pouvez.\n\nMerci d'indiquer votre "
        "disponibilité : jusqu'à quelle heure votre cabinet reste ouvert, combien de demi-journées vous pouvez "
        f"ajouter cette semaine, ou combien de visites à domicile.\n\n{_SIGNATURE}",
        QuestionKind.LIBERAL.value),
    Preset(
        "infectieux-g2", "Agent infectieux émergent — gradation 2", 3, 2,
        "Mobilisation : centre de consultation dédié",
        "{cpts} : épidémie, gradation 2. Un centre de consultation dédié ouvre. Etes-vous disponible ?",
        "Bonjour,\n\nFace à l'épidémie ({titre}), les autorités ont porté la gradation à {gradation} : la CPTS ouvre "
        "une structure dédiée à la prise en charge des patients. Nous recherchons des professionnels pour les "
        f"premières vacations.\n\nMerci d'indiquer votre disponibilité.\n\n{_SIGNATURE}",
        QuestionKind.AVAILABILITY.value),
    Preset(
        "canicule-g1", "Canicule — personnes vulnérables — gradation 1", 4, 1,
        "Canicule : vigilance patients fragiles",
        "{cpts} : canicule (gradation {gradation}). Appelez vos patients fragiles (plus de 75 ans, isolés, ALD) "
        "et signalez toute situation inquiétante à la cellule.",
        "Bonjour,\n\nL'épisode de canicule ({titre}) place la CPTS en gradation {gradation}. Merci de contacter vos "
        "patients âgés, isolés ou en ALD et de signaler toute situation préoccupante à la cellule de crise.\n\n"
        f"{_SIGNATURE}",
        QuestionKind.ACK.value),
    Preset(
        "nrc-g2", "NRC — gradation 2", 2, 2,
        "Événement NRC : consignes",
        "{cpts} : événement NRC, gradation {gradation}. Ne recevez pas au cabinet un patient exposé : orientez-le "
        "vers le 15. Protégez-vous (FFP2, gants). Confirmez la réception.",
        "Bonjour,\n\nUn événement nucléaire, radiologique ou chimique ({titre}) est en cours "
        "(gradation {gradation}).\n\n"
        "Consignes :\n- ne recevez pas au cabinet un patient exposé ou contaminé : orientez-le vers le 15, qui "
        "indique le lieu de prise en charge ;\n- protégez-vous : masque FFP2, gants, surblouse ; ne touchez pas les "
        "vêtements du patient sans protection ;\n- signalez à la cellule de crise tout patient exposé vu ou appelé "
        "(sans nom : âge, heure, symptômes) ;\n- suivez les consignes de l'ARS transmises par la cellule.\n\n"
        f"Merci de confirmer la réception.\n\n{_SIGNATURE}",
        QuestionKind.ACK.value),
    Preset(
        "blesses-g2", "Afflux de blessés — gradation 2", 5, 2,
        "Afflux de blessés : renforts",
        "{cpts} : afflux de blessés (gradation {gradation}). Etes-vous disponible pour renforcer ?",
        "Bonjour,\n\nUn événement ({titre}) entraîne un afflux de blessés somatiques ou psychiques. La CPTS organise "
        f"des renforts.\n\nMerci d'indiquer votre disponibilité.\n\n{_SIGNATURE}",
        QuestionKind.AVAILABILITY.value),
    Preset(
        "information", "Information simple", None, None, "Information de la CPTS",
        "{cpts} : {titre}.", "Bonjour,\n\n{titre}.\n\n{cpts}", QuestionKind.NONE.value),
)
BUILT_IN_BY_KEY = {p.key: p for p in BUILT_IN_PRESETS}


def built_in_presets(typology: int | None = None, gradation: int | None = None) -> list[Preset]:
    """The built-in presets that fit a typology and gradation (the general ones included)."""
    return [p for p in BUILT_IN_PRESETS
            if p.typology in (None, typology) and p.gradation in (None, gradation)]


def plan_defaults() -> list[Preset]:
    """The presets a plan's first draft starts from: every built-in one written for a typology and gradation."""
    return [p for p in BUILT_IN_PRESETS if p.typology is not None]

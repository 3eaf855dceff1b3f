"""marshmallow's error messages in French: the API's validation errors are read by French users."""

from marshmallow import Schema, fields, validate

MESSAGES = {
    fields.Field: {"required": "Ce champ est obligatoire.", "null": "Ce champ ne peut pas être vide.",
                   "validator_failed": "Valeur invalide."},
    fields.String: {"invalid": "Texte attendu.", "invalid_utf8": "Texte UTF-8 invalide."},
    fields.Integer: {"invalid": "Nombre entier attendu.", "too_large": "Nombre trop grand."},
    fields.Number: {"invalid": "Nombre attendu.", "too_large": "Nombre trop grand."},
    fields.Float: {"special": "Nombre fini attendu."},
    fields.Decimal: {"special": "Nombre fini attendu."},
    fields.Boolean: {"invalid": "Valeur vrai/faux attendue."},
    fields.Email: {"invalid": "Adresse e-mail invalide."},
    fields.DateTime: {"invalid": "Date et heure invalides (format ISO 8601 attendu).",
                      "invalid_awareness": "Précisez le fuseau horaire de la date.",
                      "format": "Format de date invalide."},
    fields.AwareDateTime: {"invalid_awareness": "Précisez le fuseau horaire de la date."},
    fields.Date: {"invalid": "Date invalide (AAAA-MM-JJ attendu)."},
    fields.List: {"invalid": "Liste attendue."},
    fields.Dict: {"invalid": "Objet attendu."},
    fields.Nested: {"type": "Objet attendu."},
}


def install() -> None:
    for field_class, messages in MESSAGES.items():
        field_class.default_error_messages = {**field_class.default_error_messages, **messages}
    Schema._default_error_messages = {**Schema._default_error_messages, "unknown": "Champ inconnu.",
                                      "type": "Objet JSON attendu."}
    validate.Length.message_min = "Au moins {min} caractère(s)."
    validate.Length.message_max = "Au plus {max} caractère(s)."
    validate.Length.message_all = "Entre {min} et {max} caractère(s)."
    validate.Length.message_equal = "Exactement {equal} caractère(s)."
    validate.OneOf.default_message = "Valeur non permise ; valeurs possibles : {choices}."
    validate.Range.message_min = "Doit être {min_op} {{min}}."
    validate.Range.message_max = "Doit être {max_op} {{max}}."
    validate.Range.message_all = "Doit être {min_op} {{min}} et {max_op} {{max}}."
    validate.Range.message_gte = "supérieur ou égal à"
    validate.Range.message_gt = "supérieur à"
    validate.Range.message_lte = "inférieur ou égal à"
    validate.Range.message_lt = "inférieur à"


install()

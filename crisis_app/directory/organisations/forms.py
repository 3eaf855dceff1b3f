"""The form of a partner organisation with its contacts."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, FieldList, Form, FormField, StringField, TelField

from crisis_app.core.labels import labels
from crisis_app.directory.forms import choices, select
from crisis_app.directory.organisations.models import OrganisationKind


class ContactForm(Form):
    name = StringField("Nom")
    function = StringField("Fonction")
    email = EmailField("E-mail")
    phone = TelField("Téléphone")


class OrganisationForm(FlaskForm):
    name = StringField("Nom")
    kind = select("Type", choices(labels(OrganisationKind)))
    receives_evaluations = BooleanField("Reçoit les évaluations post-crise", default=True)
    contacts = FieldList(FormField(ContactForm), min_entries=1)

    BLANK_CONTACT_ROWS = 2

    @classmethod
    def for_organisation(cls, organisation) -> OrganisationForm:
        """The form, filled from ``organisation`` on GET, with blank rows to add contacts."""
        if organisation is None:
            form = cls()
        else:
            form = cls(obj=organisation, kind=organisation.kind.value)
        if not form.is_submitted():
            form.contacts.entries = [e for e in form.contacts.entries if any(e.data.values())]
            for _ in range(cls.BLANK_CONTACT_ROWS + (1 if organisation is None else 0)):
                form.contacts.append_entry()
        return form

    def _rows(self) -> list[int]:
        return [i for i, entry in enumerate(self.contacts.entries)
                if any((v or "").strip() for v in entry.data.values())]

    def payload(self) -> dict:
        contacts = [{k: (v or "") for k, v in self.contacts.entries[i].data.items()} for i in self._rows()]
        return {"name": self.name.data or "", "kind": self.kind.data,
                "receives_evaluations": bool(self.receives_evaluations.data), "contacts": contacts}

    def field_for(self, name: str):
        """The form field a service message names: ``name`` or ``contacts.<n>.email`` (n among filled rows)."""
        parts = name.split(".")
        if parts[0] == "contacts" and len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(self._rows()):
            entry = self.contacts.entries[self._rows()[int(parts[1])]]
            return entry[parts[2]] if parts[2] in entry.form else None
        return self[name] if name in self else None

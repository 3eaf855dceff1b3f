"""One label convention (core.labels): every value the database stores for an enumerated column has its French
label, read from the enum itself. Columns are found, not listed: an ``sa.Enum`` with an ``enum_class`` (as
``str_enum`` makes them) or a column whose ``info`` names its ``"labels"`` enum (numbers: typology, severity…)."""

from __future__ import annotations

import sqlalchemy as sa

from crisis_app.core.db import db
from crisis_app.core.labels import LabelledIntEnum, LabelledStrEnum, label_of, labels


def _labelled(enum_cls) -> bool:
    return isinstance(enum_cls, type) and issubclass(enum_cls, LabelledStrEnum | LabelledIntEnum)


def enumerated_columns() -> list[tuple[sa.Column, type]]:
    """Every mapped column that stores an enum's values, with that enum."""
    found = []
    for mapper in db.Model.registry.mappers:
        for column in mapper.columns:
            enum_cls = column.info.get("labels")
            if enum_cls is None and isinstance(column.type, sa.Enum):
                enum_cls = column.type.enum_class
            if enum_cls is not None and isinstance(column, sa.Column) and column.table is not None:
                found.append((column, enum_cls))
    return found


def _stored_values(column: sa.Column) -> list:
    """The distinct raw values in the column (untyped: an unknown value must show up, not raise)."""
    raw = sa.column(column.name)
    return [v for v in db.session.scalars(sa.select(raw).select_from(column.table).where(raw.isnot(None))
                                          .distinct())]


def test_every_stored_value_of_a_labelled_enum_has_a_french_label(app, demo_world):
    checked, missing = 0, []
    with app.app_context():
        for column, enum_cls in enumerated_columns():
            if not _labelled(enum_cls):
                continue
            for value in _stored_values(column):
                value = int(value) if issubclass(enum_cls, LabelledIntEnum) else value
                try:
                    label = enum_cls(value).label
                except ValueError:
                    label = None
                if not (isinstance(label, str) and label.strip()):
                    missing.append(f"{column.table.name}.{column.name} = {value!r}")
                checked += 1
        db.session.remove()
    assert not missing, f"stored values without a French label: {missing}"
    assert checked > 0  # the demo stores at least the roles and delivery states


def test_every_enumerated_column_stores_a_labelled_enum():
    """A future enum written the old way (a bare StrEnum and a ``*_LABELS`` dict) is caught here."""
    unconverted = sorted({f"{enum_cls.__name__} ({column.table.name}.{column.name})"
                          for column, enum_cls in enumerated_columns()
                          if not _labelled(enum_cls)})
    assert not unconverted, f"enumerated columns whose enum is not a LabelledStrEnum/LabelledIntEnum: {unconverted}"


def test_core_enums_carry_their_labels():
    from crisis_app.core.notifications.models import DeliveryPurpose, DeliveryState
    from crisis_app.core.roles import Role

    assert Role.CRISIS_REFERENT == "crisis_referent" and Role("ars_observer").label == "Observateur (ARS, CPAM, MSA)"
    assert labels(DeliveryState)["temporary_failure"].startswith("échec temporaire")
    assert label_of(DeliveryPurpose, "escalation") == "relance" and label_of(DeliveryPurpose, "x") == "x"
    for enum_cls in (Role, DeliveryState, DeliveryPurpose):
        assert all(member.label.strip() for member in enum_cls)

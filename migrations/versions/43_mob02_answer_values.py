"""alerts: an answer may carry a typed value (liberal professionals: "cabinet ouvert jusqu'à 20:00", "3"
demi-journées); an alert gets a short SMS reply code ("A": replies "A1", "A2"); a person added to a running alert
keeps when they were asked. The answer trigger of eng01 now copies the value onto the person's current answer.

Revision ID: mob02
Revises: mob01
Create Date: 2026-12-07 04:50:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "mob02"
down_revision = "mob01"
branch_labels = None
depends_on = None

_DELIVERIES = ("UPDATE delivery SET state = 'answered' WHERE state = 'sent' AND purpose <> 'end' AND recipient_id = "
               "(SELECT message_recipient_id FROM alert_recipient WHERE id = NEW.recipient_id);")


def _recipient(with_value: bool) -> str:
    # a new answer replaces the value too: "1 Disponible" after "2 20h" has no closing hour any more
    value = ", answer_value = NEW.value" if with_value else ""
    return ("UPDATE alert_recipient SET answer_code = NEW.code, answered_at = NEW.at, "
            f"answer_comment = COALESCE(NEW.comment, answer_comment){value} WHERE id = NEW.recipient_id;")


def _trigger(with_value: bool) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE OR REPLACE FUNCTION alert_answer_applies() RETURNS trigger LANGUAGE plpgsql AS $$ "
                   f"BEGIN {_recipient(with_value)} {_DELIVERIES} RETURN NULL; END $$")
        return
    op.execute("DROP TRIGGER IF EXISTS alert_answer_applies")
    op.execute(f"CREATE TRIGGER alert_answer_applies AFTER INSERT ON alert_answer BEGIN {_recipient(with_value)} "
               f"{_DELIVERIES} END")


def upgrade():
    with op.batch_alter_table("alert") as batch:
        batch.add_column(sa.Column("reply_code", sa.String(length=2), nullable=True))
    with op.batch_alter_table("alert_recipient") as batch:
        batch.add_column(sa.Column("answer_value", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("asked_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("alert_answer") as batch:
        batch.add_column(sa.Column("value", sa.String(length=16), nullable=True))
    _trigger(with_value=True)


def downgrade():
    _trigger(with_value=False)
    with op.batch_alter_table("alert_answer") as batch:
        batch.drop_column("value")
    with op.batch_alter_table("alert_recipient") as batch:
        batch.drop_column("asked_at")
        batch.drop_column("answer_value")
    with op.batch_alter_table("alert") as batch:
        batch.drop_column("reply_code")
    _trigger(with_value=False)

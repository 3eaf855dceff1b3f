"""alerts: an answer applies itself — a trigger on alert_answer sets the person's current answer (alert_recipient)
and marks their sent deliveries answered, so recording an answer is one INSERT (and its audit row)

Revision ID: eng01
Revises: cont05
Create Date: 2026-12-07 01:45:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "eng01"
down_revision = "cont05"
branch_labels = None
depends_on = None

# The same two updates on both engines: what record_answer did with two more statements per answer.
_RECIPIENT = ("UPDATE alert_recipient SET answer_code = NEW.code, answered_at = NEW.at, "
              "answer_comment = COALESCE(NEW.comment, answer_comment) WHERE id = NEW.recipient_id;")
_DELIVERIES = ("UPDATE delivery SET state = 'answered' WHERE state = 'sent' AND purpose <> 'end' AND recipient_id = "
               "(SELECT message_recipient_id FROM alert_recipient WHERE id = NEW.recipient_id);")


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE OR REPLACE FUNCTION alert_answer_applies() RETURNS trigger LANGUAGE plpgsql AS $$ "
                   f"BEGIN {_RECIPIENT} {_DELIVERIES} RETURN NULL; END $$")
        op.execute("CREATE TRIGGER alert_answer_applies AFTER INSERT ON alert_answer "
                   "FOR EACH ROW EXECUTE FUNCTION alert_answer_applies()")
    else:
        op.execute(f"CREATE TRIGGER alert_answer_applies AFTER INSERT ON alert_answer BEGIN {_RECIPIENT} "
                   f"{_DELIVERIES} END")


def downgrade():
    op.execute("DROP TRIGGER IF EXISTS alert_answer_applies" +
               (" ON alert_answer" if op.get_bind().dialect.name == "postgresql" else ""))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS alert_answer_applies()")

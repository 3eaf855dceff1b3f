"""reminders: the steps already sent for EIGS part 2 (eigs_reminder) and for actions (quality_action_reminder) are
carried into the one ledger (reminder_step), so no step is sent twice after the upgrade

Revision ID: 0042_reminder_steps_rows
Revises: 0041_action_plan_retex_rows
Create Date: 2026-12-06 18:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0042_reminder_steps_rows"
down_revision = "0041_action_plan_retex_rows"
branch_labels = None
depends_on = None


def upgrade():
    op.execute(sa.text(
        "INSERT INTO reminder_step (kind, subject_id, step, due_on, sent_at, recipient_count) "
        "SELECT 'eigs_part2', event_id, step, due_on, sent_at, recipient_count FROM eigs_reminder ORDER BY id"))
    op.execute(sa.text(
        "INSERT INTO reminder_step (kind, subject_id, step, due_on, sent_at, recipient_count) "
        "SELECT 'action', action_id, step, due_on, sent_at, recipient_count FROM quality_action_reminder ORDER BY id"))


def downgrade():
    op.execute(sa.text(
        "INSERT INTO eigs_reminder (event_id, step, due_on, sent_at, recipient_count) "
        "SELECT subject_id, step, due_on, sent_at, recipient_count FROM reminder_step WHERE kind = 'eigs_part2' "
        "AND subject_id IN (SELECT id FROM adverse_event)"))
    op.execute(sa.text(
        "INSERT INTO quality_action_reminder (action_id, step, due_on, sent_at, recipient_count) "
        "SELECT subject_id, step, due_on, sent_at, recipient_count FROM reminder_step WHERE kind = 'action' "
        "AND subject_id IN (SELECT id FROM quality_action)"))
    op.execute(sa.text("DELETE FROM reminder_step WHERE kind IN ('eigs_part2', 'action')"))

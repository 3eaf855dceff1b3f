"""outbox: each message carries the permission of the domain that sent it (who may read it in the outbox pages)

Messages already sent get their domain's permission from their topic: quality messages (declarations, sessions,
minutes, action reminders) ``quality.manage``, crisis messages (RETEX) ``crisis.read``, alerts ``alerts.read``; the
others keep ``outbox.read``.

Revision ID: msg01
Revises: 0043_action_plan_drop_former
"""
import sqlalchemy as sa
from alembic import op

revision = "msg01"
down_revision = "0043_action_plan_drop_former"
branch_labels = None
depends_on = None

MESSAGE = sa.table("message", sa.column("topic", sa.String()), sa.column("read_permission", sa.String()))


def upgrade():
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("read_permission", sa.String(length=60), nullable=False,
                                      server_default="outbox.read"))
    conn = op.get_bind()
    conn.execute(MESSAGE.update().where(MESSAGE.c.topic.like("quality.%")).values(read_permission="quality.manage"))
    conn.execute(MESSAGE.update().where(MESSAGE.c.topic.like("crises.%")).values(read_permission="crisis.read"))
    conn.execute(MESSAGE.update().where(MESSAGE.c.topic == "alert").values(read_permission="alerts.read"))


def downgrade():
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_column("read_permission")

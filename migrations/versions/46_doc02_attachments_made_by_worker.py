"""outbox: an attachment may come from a kept document a worker is making (message_attachment.document_id); its
content stays empty until the document is made, and the message's deliveries wait for it

Revision ID: doc02
Revises: drl01
Create Date: 2026-12-07 05:50:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "doc02"
down_revision = "drl01"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("message_attachment") as batch:
        batch.add_column(sa.Column("document_id", sa.Integer(), nullable=True))
        batch.alter_column("content", existing_type=sa.LargeBinary(), nullable=True)
        batch.create_index("ix_message_attachment_document_id", ["document_id"])


def downgrade():
    # an attachment still waiting for its document has no bytes to keep: its message could never leave
    op.execute("DELETE FROM message_attachment WHERE content IS NULL")
    with op.batch_alter_table("message_attachment") as batch:
        batch.drop_index("ix_message_attachment_document_id")
        batch.alter_column("content", existing_type=sa.LargeBinary(), nullable=False)
        batch.drop_column("document_id")

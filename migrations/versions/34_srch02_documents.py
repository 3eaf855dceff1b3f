"""core: document, the PDFs made by a worker and kept until their source changes

Revision ID: srch02
Revises: srch01
"""
import sqlalchemy as sa
from alembic import op

revision = "srch02"
down_revision = "srch01"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("fingerprint", sa.String(length=128), nullable=False),
        sa.Column("status", sa.Enum("queued", "running", "ready", "failed", name="documentstatus",
                                    native_enum=False, length=12), nullable=False),
        sa.Column("progress", sa.SmallInteger(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.CheckConstraint("progress BETWEEN 0 AND 100", name=op.f("ck_document_progress_range")),
        sa.ForeignKeyConstraint(["requested_by_id"], ["user_account.id"],
                                name=op.f("fk_document_requested_by_id_user_account"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document")),
        sa.UniqueConstraint("kind", "key", "fingerprint", name=op.f("uq_document_kind")),
    )


def downgrade():
    op.drop_table("document")

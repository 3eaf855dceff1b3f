"""directory: imports run by a worker, with their progress (directory_import)

Revision ID: 0019_directory_import_jobs
Revises: 0018_directory_search_backfill
"""
import sqlalchemy as sa
from alembic import op


revision = "0019_directory_import_jobs"
down_revision = "0018_directory_search_backfill"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "directory_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("stored_name", sa.String(length=60), nullable=True),
        sa.Column("departements", sa.String(length=200), nullable=False),
        sa.Column("communes", sa.String(length=500), nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("state", sa.Enum("queued", "running", "previewed", "done", "failed", "cancelled",
                                   name="importstate", native_enum=False, length=12), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("message", sa.String(length=500), nullable=True),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"],
                                name=op.f("fk_directory_import_created_by_id_user_account"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_import")),
    )
    with op.batch_alter_table("directory_import", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_directory_import_state"), ["state"], unique=False)


def downgrade():
    with op.batch_alter_table("directory_import", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_directory_import_state"))
    op.drop_table("directory_import")

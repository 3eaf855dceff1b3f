"""contract and quality: the annual report and the session minutes become core.documents (made by a worker, kept
until their source changes): drop aci_annual_report (its files are re-made on demand) and quality_session.minutes_pdf
(the minutes stay established by minutes_at and are re-made on demand); quality_session.minutes_sent_at guards the
sending of the minutes (a task delivered twice sends once)

Revision ID: doc01
Revises: eng01
Create Date: 2026-12-07 04:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "doc01"
down_revision = "eng01"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("aci_annual_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_aci_annual_report_year"))
    op.drop_table("aci_annual_report")
    with op.batch_alter_table("quality_session", schema=None) as batch_op:
        batch_op.drop_column("minutes_pdf")
        batch_op.add_column(sa.Column("minutes_sent_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("quality_session", schema=None) as batch_op:
        batch_op.drop_column("minutes_sent_at")
        batch_op.add_column(sa.Column("minutes_pdf", sa.LargeBinary(), nullable=True))
    op.create_table(
        "aci_annual_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("state", sa.Enum("queued", "running", "done", "failed", name="reportstate", native_enum=False,
                                   length=12), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("message", sa.String(length=500), nullable=True),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.Column("csv", sa.Text(), nullable=True),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["requested_by_id"], ["user_account.id"],
                                name=op.f("fk_aci_annual_report_requested_by_id_user_account"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aci_annual_report")),
    )
    with op.batch_alter_table("aci_annual_report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_aci_annual_report_year"), ["year"], unique=False)

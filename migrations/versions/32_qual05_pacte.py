"""quality: PACTE — a two-year programme, its dated steps (tied to a survey or a session), its maturity
self-assessments on four axes

Revision ID: qual05
Revises: qual04
Create Date: 2026-12-07 02:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "qual05"
down_revision = "qual04"
branch_labels = None
depends_on = None

STEP_KINDS = ("safety_survey", "maturity", "crm_training", "eias_analysis", "review")


def upgrade():
    op.create_table(
        "quality_pacte_programme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_pacte_programme")),
    )
    op.create_table(
        "quality_pacte_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum(*STEP_KINDS, name="stepkind", native_enum=False, length=24), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("survey_id", sa.Integer(), nullable=True),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["programme_id"], ["quality_pacte_programme.id"],
                                name=op.f("fk_quality_pacte_step_programme_id_quality_pacte_programme"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["survey_id"], ["quality_survey.id"],
                                name=op.f("fk_quality_pacte_step_survey_id_quality_survey"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["session_id"], ["quality_session.id"],
                                name=op.f("fk_quality_pacte_step_session_id_quality_session"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_pacte_step")),
    )
    op.create_index(op.f("ix_quality_pacte_step_programme_id"), "quality_pacte_step", ["programme_id"])
    op.create_table(
        "quality_pacte_maturity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=60), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("strategique", sa.SmallInteger(), nullable=False),
        sa.Column("structurel", sa.SmallInteger(), nullable=False),
        sa.Column("technique", sa.SmallInteger(), nullable=False),
        sa.Column("culturel", sa.SmallInteger(), nullable=False),
        sa.CheckConstraint("strategique BETWEEN 1 AND 5 AND structurel BETWEEN 1 AND 5 AND technique BETWEEN 1 AND 5 "
                           "AND culturel BETWEEN 1 AND 5", name=op.f("ck_quality_pacte_maturity_axes_scale")),
        sa.ForeignKeyConstraint(["programme_id"], ["quality_pacte_programme.id"],
                                name=op.f("fk_quality_pacte_maturity_programme_id_quality_pacte_programme"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_pacte_maturity")),
        sa.UniqueConstraint("programme_id", "period", name="uq_pacte_maturity_period"),
    )
    op.create_index(op.f("ix_quality_pacte_maturity_programme_id"), "quality_pacte_maturity", ["programme_id"])


def downgrade():
    op.drop_table("quality_pacte_maturity")
    op.drop_table("quality_pacte_step")
    op.drop_table("quality_pacte_programme")

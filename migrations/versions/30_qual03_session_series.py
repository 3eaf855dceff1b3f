"""quality: recurring sessions — quality_session_series, its members and themes; quality_session.series_id and
.recurrence_at (the start the rule gave an occurrence, its RECURRENCE-ID)

Revision ID: qual03
Revises: qual02
Create Date: 2026-12-07 02:00:00

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = "qual03"
down_revision = "qual02"
branch_labels = None
depends_on = None

KINDS = ("crex", "rmm", "patient_traceur", "practice_group", "complex_case", "crm_training")


def upgrade():
    op.create_table(
        "quality_session_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum(*KINDS, name="sessionkind", native_enum=False, length=24), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("rrule", sa.String(length=200), nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=True),
        sa.Column("video_url", sa.String(length=500), nullable=True),
        sa.Column("lead_user_id", sa.Integer(), nullable=True),
        sa.Column("uid", sa.String(length=120), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("invited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("duration_minutes BETWEEN 15 AND 480",
                           name=op.f("ck_quality_session_series_series_duration_range")),
        sa.ForeignKeyConstraint(["lead_user_id"], ["user_account.id"],
                                name=op.f("fk_quality_session_series_lead_user_id_user_account"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_session_series")),
        sa.UniqueConstraint("uid", name=op.f("uq_quality_session_series_uid")),
    )
    op.create_table(
        "quality_series_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("professional_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("professional_id IS NOT NULL OR user_id IS NOT NULL",
                           name=op.f("ck_quality_series_member_series_member_someone")),
        sa.ForeignKeyConstraint(["series_id"], ["quality_session_series.id"],
                                name=op.f("fk_quality_series_member_series_id_quality_session_series"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["professional_id"], ["professional.id"],
                                name=op.f("fk_quality_series_member_professional_id_professional"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"],
                                name=op.f("fk_quality_series_member_user_id_user_account"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_series_member")),
    )
    op.create_index(op.f("ix_quality_series_member_series_id"), "quality_series_member", ["series_id"])
    op.create_table(
        "quality_series_theme",
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["series_id"], ["quality_session_series.id"],
                                name=op.f("fk_quality_series_theme_series_id_quality_session_series"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["theme_id"], ["quality_theme.id"],
                                name=op.f("fk_quality_series_theme_theme_id_quality_theme"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("series_id", "theme_id", name=op.f("pk_quality_series_theme")),
    )
    with op.batch_alter_table("quality_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("series_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("recurrence_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_quality_session_series_id"), ["series_id"])
        batch_op.create_foreign_key(batch_op.f("fk_quality_session_series_id_quality_session_series"),
                                    "quality_session_series", ["series_id"], ["id"], ondelete="SET NULL")
        batch_op.create_unique_constraint("uq_session_occurrence",
                                          ["series_id", "recurrence_at"])


def downgrade():
    with op.batch_alter_table("quality_session", schema=None) as batch_op:
        batch_op.drop_constraint("uq_session_occurrence", type_="unique")
        batch_op.drop_constraint(batch_op.f("fk_quality_session_series_id_quality_session_series"),
                                 type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_quality_session_series_id"))
        batch_op.drop_column("recurrence_at")
        batch_op.drop_column("series_id")
    op.drop_table("quality_series_theme")
    op.drop_index(op.f("ix_quality_series_member_series_id"), table_name="quality_series_member")
    op.drop_table("quality_series_member")
    op.drop_table("quality_session_series")

"""quality: surveys (safety culture, patient satisfaction) — questionnaire as data, invitations that only say
"has answered", public links, answers and comments with a random id and the day only

Revision ID: qual04
Revises: qual03
Create Date: 2026-12-07 02:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "qual04"
down_revision = "qual03"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"),
                                   ondelete=ondelete)


def upgrade():
    op.create_table(
        "quality_survey",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum("safety_culture", "satisfaction", name="surveykind", native_enum=False,
                                  length=24), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("status", sa.Enum("draft", "open", "closed", name="surveystatus", native_enum=False, length=24),
                  nullable=False),
        sa.Column("responses", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("responses >= 0", name=op.f("ck_quality_survey_responses_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_survey")),
    )
    op.create_table(
        "quality_survey_dimension",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        _fk("quality_survey_dimension", "survey_id", "quality_survey", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_survey_dimension")),
    )
    op.create_index(op.f("ix_quality_survey_dimension_survey_id"), "quality_survey_dimension", ["survey_id"])
    op.create_table(
        "quality_survey_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dimension_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("negative", sa.Boolean(), nullable=False),
        _fk("quality_survey_question", "dimension_id", "quality_survey_dimension", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_survey_question")),
    )
    op.create_index(op.f("ix_quality_survey_question_dimension_id"), "quality_survey_question", ["dimension_id"])
    op.create_table(
        "quality_survey_point",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("token", sa.String(length=40), nullable=False),
        _fk("quality_survey_point", "survey_id", "quality_survey", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_survey_point")),
        sa.UniqueConstraint("token", name=op.f("uq_quality_survey_point_token")),
    )
    op.create_index(op.f("ix_quality_survey_point_survey_id"), "quality_survey_point", ["survey_id"])
    op.create_table(
        "quality_survey_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("professional_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=254), nullable=False),
        sa.Column("answered", sa.Boolean(), nullable=False),
        _fk("quality_survey_invitation", "survey_id", "quality_survey", "CASCADE"),
        _fk("quality_survey_invitation", "professional_id", "professional", "SET NULL"),
        _fk("quality_survey_invitation", "user_id", "user_account", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_survey_invitation")),
        sa.UniqueConstraint("survey_id", "professional_id", name="uq_survey_invitation_professional"),
        sa.UniqueConstraint("survey_id", "user_id", name="uq_survey_invitation_user"),
    )
    op.create_index(op.f("ix_quality_survey_invitation_survey_id"), "quality_survey_invitation", ["survey_id"])
    op.create_table(
        "quality_survey_answer",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=True),
        sa.Column("value", sa.SmallInteger(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.CheckConstraint("value BETWEEN 1 AND 5", name=op.f("ck_quality_survey_answer_value_scale")),
        _fk("quality_survey_answer", "survey_id", "quality_survey", "CASCADE"),
        _fk("quality_survey_answer", "question_id", "quality_survey_question", "CASCADE"),
        _fk("quality_survey_answer", "point_id", "quality_survey_point", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_survey_answer")),
    )
    op.create_index(op.f("ix_quality_survey_answer_survey_id"), "quality_survey_answer", ["survey_id"])
    op.create_index(op.f("ix_quality_survey_answer_question_id"), "quality_survey_answer", ["question_id"])
    op.create_table(
        "quality_survey_comment",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        _fk("quality_survey_comment", "survey_id", "quality_survey", "CASCADE"),
        _fk("quality_survey_comment", "point_id", "quality_survey_point", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_survey_comment")),
    )
    op.create_index(op.f("ix_quality_survey_comment_survey_id"), "quality_survey_comment", ["survey_id"])


def downgrade():
    for table in ("quality_survey_comment", "quality_survey_answer", "quality_survey_invitation",
                  "quality_survey_point", "quality_survey_question", "quality_survey_dimension", "quality_survey"):
        op.drop_table(table)

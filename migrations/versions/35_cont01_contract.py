"""contract: the ACI contract, the crises triggering the variable crisis amount, the annual reports

Revision ID: cont01
Revises: srch02
Create Date: 2026-12-07 01:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "cont01"
down_revision = "srch02"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "aci_contract",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("size", sa.SmallInteger(), nullable=False),
        sa.Column("over_100_members", sa.Boolean(), nullable=False),
        sa.Column("missions", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("size BETWEEN 1 AND 4", name=op.f("ck_aci_contract_size_range")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aci_contract")),
    )
    op.create_table(
        "aci_variable_trigger",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("crisis_id", sa.Integer(), nullable=False),
        sa.Column("qualified_on", sa.Date(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("payable_month", sa.Date(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["crisis_id"], ["crisis.id"], name=op.f("fk_aci_variable_trigger_crisis_id_crisis"),
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["user_account.id"],
                                name=op.f("fk_aci_variable_trigger_recorded_by_id_user_account"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aci_variable_trigger")),
        sa.UniqueConstraint("crisis_id", name=op.f("uq_aci_variable_trigger_crisis_id")),
    )
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


def downgrade():
    with op.batch_alter_table("aci_annual_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_aci_annual_report_year"))
    op.drop_table("aci_annual_report")
    op.drop_table("aci_variable_trigger")
    op.drop_table("aci_contract")

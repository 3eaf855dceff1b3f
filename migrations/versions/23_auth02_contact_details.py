"""directory: a mobile two active entries share only when the coordinator marks it « partagé »
(professional.mobile_shared, a partial unique index), and contact changes waiting for their code (contact_change)

Active entries that already share a mobile are marked shared, so that the index can be built; the coordinator sees
the flag on each of them and may clear it once the numbers are corrected.

Revision ID: auth02
Revises: auth01
Create Date: 2026-12-06 22:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "auth02"
down_revision = "auth01"
branch_labels = None
depends_on = None

UNSHARED = "active AND NOT mobile_shared AND mobile_phone IS NOT NULL"


def upgrade():
    with op.batch_alter_table("professional", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mobile_shared", sa.Boolean(), nullable=False, server_default=sa.false()))
    professional = sa.table("professional", sa.column("mobile_phone", sa.String), sa.column("active", sa.Boolean),
                            sa.column("mobile_shared", sa.Boolean))
    shared = (sa.select(professional.c.mobile_phone)
              .where(professional.c.active.is_(True), professional.c.mobile_phone.is_not(None))
              .group_by(professional.c.mobile_phone).having(sa.func.count() > 1))
    op.execute(sa.update(professional)
               .where(professional.c.active.is_(True), professional.c.mobile_phone.in_(shared.scalar_subquery()))
               .values(mobile_shared=True))
    op.create_index("uq_professional_mobile_unshared", "professional", ["mobile_phone"], unique=True,
                    sqlite_where=sa.text(UNSHARED), postgresql_where=sa.text(UNSHARED))
    op.create_table(
        "contact_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("professional_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=16), nullable=False),
        sa.Column("new_value", sa.String(length=254), nullable=False),
        sa.Column("nonce", sa.String(length=32), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["professional_id"], ["professional.id"],
                                name=op.f("fk_contact_change_professional_id_professional"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_change")),
        sa.UniqueConstraint("professional_id", "field", name=op.f("uq_contact_change_professional_id")),
    )


def downgrade():
    op.drop_table("contact_change")
    op.drop_index("uq_professional_mobile_unshared", table_name="professional")
    with op.batch_alter_table("professional", schema=None) as batch_op:
        batch_op.drop_column("mobile_shared")

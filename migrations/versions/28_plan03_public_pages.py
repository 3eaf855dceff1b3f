"""crises: crisis_public_page, the population's information page of a crisis (public unguessable address)

Revision ID: plan03
Revises: plan02
Create Date: 2026-12-07 01:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "plan03"
down_revision = "plan02"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "crisis_public_page",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("crisis_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=43), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("places", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_label", sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(["crisis_id"], ["crisis.id"], name=op.f("fk_crisis_public_page_crisis_id_crisis"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crisis_public_page")),
        sa.UniqueConstraint("crisis_id", name=op.f("uq_crisis_public_page_crisis_id")),
        sa.UniqueConstraint("slug", name=op.f("uq_crisis_public_page_slug")),
    )


def downgrade():
    op.drop_table("crisis_public_page")

"""the outbox in core: messages, recipients, attachments; deliveries move from alerts to messages

Alerts stay alerts with their deliveries and answers; stock notices and directory confirmation campaigns, which
were ``alert`` rows of kind ``notice`` / ``confirmation``, become plain messages. Every alert becomes a message
with the same id and every alert recipient a message recipient with the same id, so deliveries keep pointing at
the same rows and the personal links already sent stay valid.

Revision ID: 0005_outbox
Revises: 0004_alerts
"""
import sqlalchemy as sa
from alembic import op


revision = "0005_outbox"
down_revision = "0004_alerts"
branch_labels = None
depends_on = None

UTC = sa.DateTime(timezone=True)
TOPICS = {"alert": "alert", "notice": "stock.warnings", "confirmation": "directory.confirmation"}


def _create_tables() -> None:
    op.create_table(
        "message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=60), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("sms_text", sa.String(length=1000), nullable=False),
        sa.Column("email_text", sa.Text(), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("label", sa.String(length=250), nullable=False),
        sa.Column("about_type", sa.String(length=40), nullable=True),
        sa.Column("about_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("recipient_count", sa.Integer(), nullable=False),
        sa.Column("unreachable_count", sa.Integer(), nullable=False),
        sa.Column("delivery_count", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["user_account.id"], name=op.f("fk_message_author_id_user_account"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message")),
    )
    with op.batch_alter_table("message") as batch_op:
        batch_op.create_index("ix_message_about", ["about_type", "about_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_message_topic"), ["topic"], unique=False)
    op.create_table(
        "message_recipient",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=250), nullable=False),
        sa.Column("sms", sa.String(length=20), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("ref_type", sa.String(length=40), nullable=True),
        sa.Column("ref_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["message_id"], ["message.id"],
                                name=op.f("fk_message_recipient_message_id_message"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_recipient")),
    )
    with op.batch_alter_table("message_recipient") as batch_op:
        batch_op.create_index(batch_op.f("ix_message_recipient_message_id"), ["message_id"], unique=False)
        batch_op.create_index("ix_message_recipient_ref", ["ref_type", "ref_id"], unique=False)
    op.create_table(
        "message_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["message.id"],
                                name=op.f("fk_message_attachment_message_id_message"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_attachment")),
    )
    with op.batch_alter_table("message_attachment") as batch_op:
        batch_op.create_index(batch_op.f("ix_message_attachment_message_id"), ["message_id"], unique=False)


def _copy_data() -> None:
    """Every alert row becomes a message with its id; every alert recipient a message recipient with its id."""
    conn = op.get_bind()
    deliveries = dict(conn.execute(sa.text("SELECT alert_id, count(*) FROM delivery GROUP BY alert_id")).all())
    recipients = dict(conn.execute(sa.text(
        "SELECT alert_id, count(*) FROM alert_recipient GROUP BY alert_id")).all())
    message = sa.table("message", *(sa.column(c) for c in (
        "id", "topic", "subject", "sms_text", "email_text", "channels", "label", "about_type", "about_id",
        "author_id", "recipient_count", "unreachable_count", "delivery_count", "created_at")))
    for row in conn.execute(sa.text(
            "SELECT id, kind, title, sms_text, email_text, channels, audience_name, created_by_id, "
            "unreachable_count, created_at FROM alert")).mappings():
        is_alert = row["kind"] == "alert"
        conn.execute(message.insert().values(
            id=row["id"], topic=TOPICS[row["kind"]], subject=row["title"], sms_text=row["sms_text"],
            email_text=row["email_text"], channels=row["channels"], label=row["audience_name"],
            about_type="alert" if is_alert else None, about_id=row["id"] if is_alert else None,
            author_id=row["created_by_id"], recipient_count=recipients.get(row["id"], 0),
            unreachable_count=row["unreachable_count"], delivery_count=deliveries.get(row["id"], 0),
            created_at=row["created_at"]))
    conn.execute(sa.text(
        "INSERT INTO message_recipient (id, message_id, name, sms, email, channels, ref_type, ref_id) "
        "SELECT id, alert_id, name, mobile_phone, email, channels, "
        "CASE WHEN professional_id IS NULL THEN NULL ELSE 'professional' END, professional_id FROM alert_recipient"))
    if conn.dialect.name == "postgresql":
        for table in ("message", "message_recipient"):
            conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                 f"GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), 1))"))


def upgrade():
    _create_tables()
    with op.batch_alter_table("alert") as batch_op:
        batch_op.add_column(sa.Column("message_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("sender_name", sa.String(length=200), nullable=True))
    with op.batch_alter_table("alert_recipient") as batch_op:
        batch_op.add_column(sa.Column("message_recipient_id", sa.Integer(), nullable=True))
    with op.batch_alter_table("alert_answer") as batch_op:
        batch_op.add_column(sa.Column("provider_ref", sa.String(length=120), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_alert_answer_provider_ref"), ["provider_ref"])
    with op.batch_alter_table("outbox_message") as batch_op:
        batch_op.add_column(sa.Column("message_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("attachment_names", sa.JSON(), nullable=True))
    with op.batch_alter_table("delivery") as batch_op:
        batch_op.add_column(sa.Column("message_id", sa.Integer(), nullable=True))

    _copy_data()
    conn = op.get_bind()
    conn.execute(sa.text("UPDATE alert SET message_id = id WHERE kind = 'alert'"))
    conn.execute(sa.text("UPDATE alert_recipient SET message_recipient_id = id "
                         "WHERE alert_id IN (SELECT id FROM alert WHERE kind = 'alert')"))
    conn.execute(sa.text("UPDATE delivery SET message_id = alert_id"))
    conn.execute(sa.text("UPDATE delivery SET purpose = 'message' WHERE purpose = 'alert'"))
    conn.execute(sa.text("UPDATE outbox_message SET attachment_names = '[]'"))
    conn.execute(sa.text("UPDATE outbox_message SET message_id = (SELECT d.message_id FROM delivery d "
                         "WHERE d.reference = outbox_message.reference)"))

    with op.batch_alter_table("delivery") as batch_op:
        batch_op.drop_index("ix_delivery_alert_state")
        batch_op.drop_constraint("fk_delivery_alert_id_alert", type_="foreignkey")
        batch_op.drop_constraint("fk_delivery_recipient_id_alert_recipient", type_="foreignkey")
        batch_op.drop_column("alert_id")
        batch_op.alter_column("message_id", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("purpose", existing_type=sa.Enum("alert", "escalation", "end", name="purpose",
                                                               native_enum=False, length=12),
                              type_=sa.String(length=20), existing_nullable=False)
        batch_op.create_foreign_key(batch_op.f("fk_delivery_message_id_message"), "message", ["message_id"], ["id"],
                                    ondelete="CASCADE")
        batch_op.create_foreign_key(batch_op.f("fk_delivery_recipient_id_message_recipient"), "message_recipient",
                                    ["recipient_id"], ["id"], ondelete="CASCADE")
        batch_op.create_index("ix_delivery_message_state", ["message_id", "state"], unique=False)

    # notices and campaigns are plain messages now: their alert rows go (their recipients with them)
    conn.execute(sa.text("DELETE FROM alert_recipient WHERE alert_id IN (SELECT id FROM alert WHERE kind <> 'alert')"))
    conn.execute(sa.text("DELETE FROM alert WHERE kind <> 'alert'"))
    with op.batch_alter_table("alert") as batch_op:
        batch_op.drop_index("ix_alert_kind")
        batch_op.drop_column("kind")
        batch_op.create_unique_constraint(batch_op.f("uq_alert_message_id"), ["message_id"])
        batch_op.create_foreign_key(batch_op.f("fk_alert_message_id_message"), "message", ["message_id"], ["id"],
                                    ondelete="SET NULL")
    with op.batch_alter_table("alert_recipient") as batch_op:
        batch_op.create_unique_constraint(batch_op.f("uq_alert_recipient_message_recipient_id"),
                                          ["message_recipient_id"])
        batch_op.create_foreign_key(batch_op.f("fk_alert_recipient_message_recipient_id_message_recipient"),
                                    "message_recipient", ["message_recipient_id"], ["id"], ondelete="SET NULL")
    with op.batch_alter_table("outbox_message") as batch_op:
        batch_op.alter_column("attachment_names", existing_type=sa.JSON(), nullable=False)
        batch_op.create_index(batch_op.f("ix_outbox_message_message_id"), ["message_id"], unique=False)


def downgrade():
    raise NotImplementedError("the outbox migration is one-way: restore the backup taken before upgrading")

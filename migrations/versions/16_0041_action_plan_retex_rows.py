"""action plan: the RETEX actions (crisis_evaluation_action) become actions of the plan, source « RETEX — <crisis>
», their status mapped (à faire → planifiée, en cours → en cours, fait → réalisée); a free-text owner becomes the
one active directory person or account it names, else stays as the action's owner note

Revision ID: 0041_action_plan_retex_rows
Revises: 0040_action_plan
Create Date: 2026-12-06 18:50:00

"""
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0041_action_plan_retex_rows"
down_revision = "0040_action_plan"
branch_labels = None
depends_on = None

STATUSES = {"todo": "planifiee", "in_progress": "en_cours", "done": "realisee"}
FORMER = {"planifiee": "todo", "en_cours": "in_progress", "realisee": "done", "efficacite_verifiee": "done",
          "non_efficace": "in_progress"}


def _folded(text):
    text = " ".join((text or "").split()).casefold()
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _owner(conn, name):
    """(professional id, user id, note): the one active person or account the name designates, else the note."""
    wanted = _folded(name)
    people = [row.id for row in conn.execute(sa.text(
        "SELECT id, first_name, last_name FROM professional WHERE active = :yes"), {"yes": True})
        if wanted in {_folded(f"{row.first_name} {row.last_name}"), _folded(f"{row.last_name} {row.first_name}")}]
    if len(people) == 1:
        return people[0], None, None
    if not people:
        users = [row.id for row in conn.execute(sa.text(
            "SELECT id, full_name, email FROM user_account WHERE active = :yes"), {"yes": True})
            if wanted in {_folded(row.full_name), _folded(row.email)}]
        if len(users) == 1:
            return None, users[0], None
    return None, None, " ".join((name or "").split())[:200] or "Non indiqué"


def upgrade():
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT a.id, a.title, a.owner, a.due_on, a.status, e.crisis_id, e.created_at, e.updated_at, c.title AS crisis "
        "FROM crisis_evaluation_action a JOIN crisis_evaluation e ON e.id = a.evaluation_id "
        "JOIN crisis c ON c.id = e.crisis_id ORDER BY a.id")).all()
    for row in rows:
        professional_id, user_id, note = _owner(conn, row.owner)
        conn.execute(sa.text(
            "INSERT INTO quality_action (title, action_type, source_type, source_id, source_title, "
            "owner_professional_id, owner_user_id, owner_note, due_on, status, created_at, updated_at) VALUES "
            "(:title, 'amelioration', 'crisis_retex', :crisis_id, :source_title, :professional_id, :user_id, :note, "
            ":due_on, :status, :created_at, :updated_at)"),
            {"title": row.title, "crisis_id": row.crisis_id, "source_title": f"RETEX — {row.crisis}"[:300],
             "professional_id": professional_id, "user_id": user_id, "note": note, "due_on": row.due_on,
             "status": STATUSES.get(row.status, "planifiee"), "created_at": row.created_at,
             "updated_at": row.updated_at})
    conn.execute(sa.text("DELETE FROM crisis_evaluation_action"))


def downgrade():
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT a.id, a.title, a.due_on, a.status, a.owner_note, p.first_name, p.last_name, u.full_name, e.id AS "
        "evaluation_id FROM quality_action a JOIN crisis_evaluation e ON e.crisis_id = a.source_id "
        "LEFT JOIN professional p ON p.id = a.owner_professional_id "
        "LEFT JOIN user_account u ON u.id = a.owner_user_id "
        "WHERE a.source_type = 'crisis_retex' ORDER BY a.id")).all()
    for row in rows:
        owner = (f"{row.first_name} {row.last_name}" if row.first_name is not None
                 else row.full_name or row.owner_note or "Non indiqué")
        conn.execute(sa.text(
            "INSERT INTO crisis_evaluation_action (evaluation_id, title, owner, due_on, status) VALUES "
            "(:evaluation_id, :title, :owner, :due_on, :status)"),
            {"evaluation_id": row.evaluation_id, "title": row.title, "owner": owner[:200], "due_on": row.due_on,
             "status": FORMER.get(row.status, "todo")})
    conn.execute(sa.text("DELETE FROM quality_action WHERE source_type = 'crisis_retex'"))

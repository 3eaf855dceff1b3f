"""The pages a role may open, as URLs over the demo world: what the label walk (tests/core/test_labels_walk.py) and
the phone walk (tests/browser/test_page_walk.py) visit.

One URL per GET endpoint outside the API and the static files, its parameters filled with ids of the demo world
(every crisis for a crisis's pages: a closed crisis and one under way read differently); an endpoint whose
declared permission the role lacks is not visited.
"""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa

from crisis_app.core.roles import Role, role_may

# Parameters that are not row ids, and the value the walk gives them.
FIXED_PARAMS = {"typology": 4, "gradation": 2, "part": 1, "year": date.today().year}
# URL parameters whose every row (up to 20) the walk visits: a closed crisis and one under way, a published plan
# and a draft, an EIGS and a simple event, a session held and one to come read differently.
ALL_ROWS = {"crisis_id", "plan_id", "event_id", "session_id"}
# Public pages reached through a personal token in a message, not from an id; logging out ends the walk.
NOT_WALKED = {"directory_campaign.confirm", "quality_public.public_declare", "quality_public.follow_up",
              "answers.answer", "auth.logout", "static", "quality_surveys_public.personal",
              "quality_surveys_public.point_answer",
              "crisis_public.page"}  # the population page: its unguessable address, not an id (own browser test)
ALIASES = {"user_id": "user_account_id", "item_id": "stock_item_id", "location_id": "stock_location_id",
           "series_id": "quality_session_series_id", "survey_id": "quality_survey_id",
           "point_id": "quality_survey_point_id",
           "review_id": "aci_indicator_review_id"}
_PARAM = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def row_ids(connection: sa.Connection, metadata: sa.MetaData) -> dict[str, list[int]]:
    """Ids of the demo world per URL parameter name: ``crisis_id`` → the crises' ids, in order."""
    ids = {}
    for table in metadata.sorted_tables:
        if "id" in table.columns:
            rows = list(connection.scalars(sa.select(table.c.id).order_by(table.c.id).limit(20)))
            if rows:
                ids[f"{table.name}_id"] = rows
    for alias, source in ALIASES.items():
        if source in ids:
            ids.setdefault(alias, ids[source])
    # a message is read with the permission of the domain that sent it: each role walks the messages it may read,
    # and each message's own attachments
    if "message" in metadata.tables and "message_attachment" in metadata.tables:
        message, attachment = metadata.tables["message"], metadata.tables["message_attachment"]
        ids["_message_permissions"] = dict(connection.execute(
            sa.select(message.c.id, message.c.read_permission).order_by(message.c.id)).all())
        ids["_attachments_of"] = {}
        for attachment_id, message_id in connection.execute(
                sa.select(attachment.c.id, attachment.c.message_id).order_by(attachment.c.id)):
            ids["_attachments_of"].setdefault(message_id, []).append(attachment_id)
    return ids


def _messages_for(role: Role, ids: dict) -> list[int]:
    """The messages ``role`` may read (one with an attachment first, so its download is walked too)."""
    permissions = ids.get("_message_permissions")
    if permissions is None:
        return ids.get("message_id", [1])
    readable = [m for m, permission in permissions.items() if role_may(role, permission)]
    with_attachment = [m for m in readable if m in ids.get("_attachments_of", {})]
    return (with_attachment + [m for m in readable if m not in with_attachment]) or [0]


def pages_for(app, role: Role, ids: dict[str, list[int]]) -> list[tuple[str, str]]:
    """(endpoint, url) of every GET page ``role`` may open."""
    urls = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.rule.startswith("/api/") or rule.endpoint in NOT_WALKED:
            continue
        permission = getattr(app.view_functions[rule.endpoint], "vigie_permission", None)
        if permission is not None and not role_may(role, permission):
            continue
        variants: list[dict] = [{}]
        for name in sorted(rule.arguments):
            values = [FIXED_PARAMS[name]] if name in FIXED_PARAMS else ids.get(name, [1])
            if name == "message_id":
                values = _messages_for(role, ids)
            elif name == "attachment_id" and "message_id" in rule.arguments:
                values = ids.get("_attachments_of", {}).get(_messages_for(role, ids)[0], [0])
            if name not in ALL_ROWS:
                values = values[:1]
            variants = [{**v, name: value} for v in variants for value in values]
        for values in variants:
            urls.append((rule.endpoint, _PARAM.sub(lambda m, v=values: str(v[m.group(1)]), rule.rule)))
    return urls

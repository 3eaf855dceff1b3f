"""Surveys: the questionnaire as data (CSV), personal single-use links through the outbox, results per dimension
from five answers up (a sixth moves them), the comparison with the last survey, the public satisfaction link
(rate-limited, no login), the API (observers read results, never answers), and no trace tying a person to an
answer."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from crisis_app.core.db import db
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import AuditEvent
from crisis_app.core.notifications import outbox
from crisis_app.core.notifications.models import Delivery, Message
from crisis_app.core.roles import Role
from quality.surveys import questionnaire
from quality.surveys import services as surveys
from quality.surveys.models import Survey, SurveyAnswer, SurveyComment, SurveyInvitation
from tests import factories
from tests.conftest import csrf_token
from tests.quality.conftest import row_counts, snapshot

LINK = re.compile(r"https?://[^\s]+/questionnaire/[^\s]+")
CSV = ("dimension;question;sens\nTravail en équipe;Nous nous entraidons.;\n"
       "Travail en équipe;Chacun travaille seul dans son coin.;inversé\n"
       "Signalement;Je signale sans crainte.;\n").encode()


@pytest.fixture
def referent(personas):
    return personas[Role.QUALITY_REFERENT].user


def _survey(referent, **overrides) -> Survey:
    data = {"kind": "safety_culture", "title": "Culture de sécurité 2026", "dimensions": questionnaire.from_csv(CSV)}
    data.update(overrides)
    return surveys.create(actor=referent, **data)


def _links(survey: Survey) -> list[str]:
    """Each delivery's text as the engine writes it at send time."""
    message = db.session.scalar(sa.select(Message).where(Message.topic == "quality.survey.invite",
                                                         Message.about_id == survey.id).order_by(Message.id.desc()))
    found = []
    for delivery in db.session.scalars(sa.select(Delivery).where(Delivery.message_id == message.id)):
        rendered = outbox.render(outbox.RenderContext(message=message, recipient=delivery.recipient,
                                                      delivery=delivery))
        found += LINK.findall(rendered.email_text)
    return found


def _sent(referent, people: int = 8) -> tuple[Survey, list[str], list]:
    survey = _survey(referent)
    invited = [factories.reachable_professional(channels=("email",)) for _ in range(people)]
    surveys.invite(actor=referent, survey=survey, professional_ids=[p.id for p in invited])
    return survey, _links(survey), invited


def _answer(client, link: str, values: list[int], comment: str = ""):
    path = "/" + link.split("/", 3)[3]
    page = client.get(path)
    assert page.status_code == 200, page.text
    ids = re.findall(r'name="q(\d+)"', page.text)
    ordered = list(dict.fromkeys(ids))
    data = {f"q{q}": str(v) for q, v in zip(ordered, values, strict=True)}
    return client.post(path, data={**data, "comment": comment, "csrf_token": csrf_token(client, path)})


def test_a_questionnaire_is_read_from_csv_with_its_negatively_worded_questions(referent):
    survey = _survey(referent)
    assert [d.label for d in survey.dimensions] == ["Travail en équipe", "Signalement"]
    assert [(q.text, q.negative) for q in survey.dimensions[0].questions] == [
        ("Nous nous entraidons.", False), ("Chacun travaille seul dans son coin.", True)]


@pytest.mark.parametrize("content", [b"colonne;autre\nx;y\n", b"\xff\xfe", b"dimension;question\n;Sans dimension\n"])
def test_a_bad_questionnaire_is_refused_and_nothing_is_written(referent, content):
    before = row_counts()
    with pytest.raises(ServiceError):
        surveys.create(actor=referent, kind="safety_culture", title="Essai",
                       dimensions=questionnaire.from_csv(content))
    assert row_counts() == before


def test_each_invited_person_gets_one_personal_link_that_the_stored_message_does_not_hold(referent):
    survey, links, _ = _sent(referent)
    assert len(links) == len(set(links)) == 8
    message = db.session.scalar(sa.select(Message).where(Message.topic == "quality.survey.invite"))
    assert message.recipient_count == 8 and "/questionnaire/" not in message.email_text
    assert survey.status.value == "open"


def test_results_appear_from_five_answers_and_a_sixth_moves_them(client, referent):
    survey, links, _ = _sent(referent)
    # questions: entraide (+), chacun seul (negative), signale (+)
    for link in links[:4]:
        assert _answer(client, link, [5, 1, 4]).status_code == 200
    db.session.expire_all()
    hidden = surveys.results(survey)
    assert hidden["responses"] == 4 and not hidden["shown"]
    assert all(d["positive_pct"] is None for d in hidden["dimensions"])
    assert _answer(client, links[4], [2, 4, 2]).status_code == 200
    db.session.expire_all()
    shown = surveys.results(survey)
    assert shown["shown"] and [d["positive_pct"] for d in shown["dimensions"]] == [80.0, 80.0]
    assert _answer(client, links[5], [1, 5, 5]).status_code == 200
    db.session.expire_all()
    moved = surveys.results(survey)
    assert [d["positive_pct"] for d in moved["dimensions"]] == [round(100 * 8 / 12, 1), round(100 * 5 / 6, 1)]
    invitations = db.session.scalars(sa.select(SurveyInvitation).where(SurveyInvitation.survey_id == survey.id))
    assert sum(i.answered for i in invitations) == 6


def test_a_link_answers_once(client, referent):
    survey, links, _ = _sent(referent, people=2)
    assert _answer(client, links[0], [4, 2, 4]).status_code == 200
    before = row_counts()
    again = client.get("/" + links[0].split("/", 3)[3])
    assert again.status_code == 409 and "déjà répondu" in again.text
    assert row_counts() == before


def test_a_forged_link_is_refused(client, referent):
    _, links, _ = _sent(referent, people=1)
    subject = links[0].rsplit("/", 1)[1].split(".")[0]
    assert client.get(f"/questionnaire/{subject}.AAAAAAAAAAAAAAAAAAAAAA").status_code == 404


def test_a_comment_naming_a_patient_is_refused_and_the_link_still_answers(client, referent):
    survey, links, _ = _sent(referent, people=1)
    before = row_counts()
    refused = _answer(client, links[0], [4, 2, 4], comment="Mme Jeanne Dupont née le 12/03/1941 attendait")
    assert refused.status_code == 200 and "réécrivez-les" in refused.text
    assert row_counts() == before
    assert _answer(client, links[0], [4, 2, 4], comment="Plus de temps d'échange en équipe").status_code == 200
    assert db.session.scalar(sa.select(SurveyComment.text)) == "Plus de temps d'échange en équipe"


def test_answers_leave_no_trace_of_who_answered_what(client, referent, caplog):
    survey, links, invited = _sent(referent, people=6)
    client.environ_base.update({"REMOTE_ADDR": "203.0.113.77", "HTTP_USER_AGENT": "Navigateur-Temoin/9.9"})
    before, audits = snapshot(), db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    for n, link in enumerate(links):
        assert _answer(client, link, [1 + n % 5, 5 - n % 5, 3], comment=f"Remarque numéro {n}").status_code == 200
    after = snapshot()
    changed = {name for name in after if after[name] != before.get(name, set())}
    assert changed == {"quality_survey", "quality_survey_invitation", "quality_survey_answer",
                       "quality_survey_comment"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == audits
    for table in ("quality_survey_answer", "quality_survey_comment"):
        columns = set(db.metadata.tables[table].columns.keys())
        assert columns <= {"id", "survey_id", "question_id", "point_id", "value", "day", "text"}
        assert not any(fk.column.table.name in ("quality_survey_invitation", "professional", "user_account")
                       for c in db.metadata.tables[table].columns for fk in c.foreign_keys)
    assert set(db.metadata.tables["quality_survey_invitation"].columns.keys()) == {
        "id", "survey_id", "professional_id", "user_id", "name", "answered"}
    identities = {"203.0.113.77", "Navigateur-Temoin"} | {p.email for p in invited} | {p.last_name for p in invited}
    for name in changed - {"quality_survey_invitation"}:
        for row in after[name] - before.get(name, set()):
            text = " ".join(row)
            assert not any(value in text for value in identities), (name, row)
    for record in caplog.records:
        assert "203.0.113.77" not in record.getMessage()
    ids = list(db.session.scalars(sa.select(SurveyAnswer.id)))
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids) and len(set(ids)) == 18


def test_the_next_survey_is_compared_with_the_last_on_a_chart(login, personas, referent):
    people = [factories.reachable_professional(channels=("email",)).id for _ in range(5)]
    first = _survey(referent, title="Culture de sécurité 2025")
    second = _survey(referent, title="Culture de sécurité 2026")
    for survey, values in ((first, (2, 4, 2)), (second, (5, 1, 5))):
        surveys.invite(actor=referent, survey=survey, professional_ids=people)
        for invitation in db.session.scalars(sa.select(SurveyInvitation)
                                             .where(SurveyInvitation.survey_id == survey.id)).all():
            surveys.answer_invitation(invitation=invitation, values=dict(zip(
                [q.id for q in survey.questions], values, strict=True)))
    page = login(personas[Role.ARS_OBSERVER]).get(f"/qualite/questionnaires/{second.id}")
    assert page.status_code == 200
    assert "<svg" in page.text and "précédent (Culture de sécurité 2025)" in page.text
    assert ">100 %</text>" in page.text and ">0 %</text>" in page.text  # this survey's bars, then the last one's

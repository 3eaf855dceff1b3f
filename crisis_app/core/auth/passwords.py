"""Links to choose one's password: the invitation of a new account (valid 72 h) and "mot de passe oublié" (2 h).

A link is ``<public url>/mot-de-passe/<user id>.<token>``: the token is an itsdangerous signature (secret key,
a purpose-specific salt, a timestamp) of the account id and a fingerprint of its password hash and session version.
Choosing a password changes both, so a link works once; a newer link, a password change or a logout in between
also retire it. The ``<id>.<token>`` shape is the one the outbox pages mask for everyone but the recipient.

The messages go through the outbox; the link itself is written per delivery by the renderers below, so the stored
message (read by the outbox's readers) never holds it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from datetime import timedelta

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer

from crisis_app.core import audit, links
from crisis_app.core.auth import ratelimit
from crisis_app.core.db import atomic, db
from crisis_app.core.models import User
from crisis_app.core.notifications import outbox

log = logging.getLogger(__name__)

INVITATION = "auth.invitation"
RESET = "auth.password_reset"
MAX_AGE = {INVITATION: timedelta(hours=72), RESET: timedelta(hours=2)}
outbox.TOPIC_LABELS[INVITATION] = "Invitation à créer son mot de passe"
outbox.TOPIC_LABELS[RESET] = "Mot de passe oublié"

INVALID = ("Ce lien n'est pas valide ou a déjà servi : demandez-en un nouveau depuis « Mot de passe oublié ? » "
           "sur la page de connexion.")
EXPIRED = "Ce lien a expiré : demandez-en un nouveau depuis « Mot de passe oublié ? » sur la page de connexion."


def _fingerprint(user: User) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    text = f"{user.id}:{user.password_hash}:{user.session_version}".encode()
    return hmac.new(key, text, hashlib.sha256).hexdigest()[:24]


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"vigie.{purpose}")


def make_token(purpose: str, user: User) -> str:
    signed = _serializer(purpose).dumps({"u": user.id, "f": _fingerprint(user)})
    # no dot inside the token: the outbox masks "<id>.<letters, digits, - and _>" as a personal link
    packed = base64.urlsafe_b64encode(signed.encode()).decode().rstrip("=")
    return f"{user.id}.{packed}"


def link_for(purpose: str, user: User) -> str:
    return links.public_url(f"/mot-de-passe/{make_token(purpose, user)}")


def user_for_token(token: str) -> tuple[User, str]:
    """The account a link designates and its purpose; ``links.LinkError`` (404 forged or used, 410 expired)."""
    user_id, packed = links.subject_of(token, INVALID)
    if len(packed) > 600:
        raise links.LinkError(404, INVALID)
    try:
        signed = base64.urlsafe_b64decode(packed + "=" * (-len(packed) % 4)).decode("ascii")
    except (ValueError, UnicodeDecodeError):
        raise links.LinkError(404, INVALID) from None
    user = db.session.get(User, user_id)
    expired = False
    for purpose in (INVITATION, RESET):
        try:
            data = _serializer(purpose).loads(signed, max_age=MAX_AGE[purpose].total_seconds())
        except BadData as exc:
            expired = expired or _is_expired_only(exc)
            continue
        if (user is not None and isinstance(data, dict) and data.get("u") == user.id and user.active
                and hmac.compare_digest(str(data.get("f", "")), _fingerprint(user))):
            return user, purpose
        raise links.LinkError(404, INVALID)
    raise links.LinkError(410 if expired else 404, EXPIRED if expired else INVALID)


def _is_expired_only(exc: BadData) -> bool:
    from itsdangerous import SignatureExpired

    return isinstance(exc, SignatureExpired)


def _render(ctx: outbox.RenderContext) -> outbox.Rendered:
    message, recipient = ctx.message, ctx.recipient
    user = db.session.get(User, recipient.ref_id) if recipient is not None and recipient.ref_type == "user" else None
    url = link_for(message.topic, user) if user is not None else ""
    return outbox.Rendered(subject=message.subject, sms_text=f"{message.sms_text} {url}".strip(),
                           email_text=f"{message.email_text}\n\n{url}\n")


outbox.renderer(INVITATION)(_render)
outbox.renderer(RESET)(_render)


def _recipient(user: User) -> outbox.Recipient:
    return outbox.Recipient(name=user.full_name, email=user.email, ref_type="user", ref_id=user.id)


@atomic()
def send_invitation(*, actor: User | None, user: User) -> bool:
    """E-mail the account's owner a link to choose their password (in the caller's unit of work); False when no
    e-mail channel is configured (nothing could leave)."""
    cpts = current_app.config["CPTS_NAME"]
    text = (f"Bonjour {user.full_name},\n\n{cpts} vous a ouvert un compte sur Vigie ({user.role.label}), "
            "le service de la CPTS pour les crises sanitaires et la qualité des soins.\n\n"
            "Choisissez votre mot de passe en ouvrant ce lien personnel, valable 72 heures et une seule fois "
            "(ne le transmettez pas) :")
    message = outbox.send_message(topic=INVITATION, subject=f"{cpts} : votre compte Vigie",
                                  recipients=[_recipient(user)], channels=("email",), email_text=text,
                                  about=("user", user.id), author=actor, label=f"Invitation de {user.email}")
    audit.record(actor=actor, action="user.invite", object_type="user", object_id=user.id,
                 summary=f"Invitation envoyée à {user.email}" if message.delivery_count
                 else f"Invitation de {user.email} non envoyée : aucun canal e-mail configuré")
    return bool(message.delivery_count)


RESET_FREE_REQUESTS = 3  # per address and per e-mail, within the hour


@atomic()
def request_reset(*, email: str, address: str) -> bool:
    """Queue the sending of a reset link to ``email``; False when too many requests came from this address or for
    this e-mail. The request does the same work whether the account exists or not (the worker finds out): its
    answer and its time say nothing of who has an account."""
    from crisis_app.core.auth.services import normalize_email

    email = normalize_email(email)
    keys = [ratelimit.Key("reset-address", address), ratelimit.Key("reset-account", email)]
    if not ratelimit.allow(keys, RESET_FREE_REQUESTS, 3600):
        return False
    db.session().on_commit(lambda: _enqueue_reset(email))
    return True


def _enqueue_reset(email: str) -> None:
    from crisis_app.core.tasks import send_password_reset

    try:
        send_password_reset.delay(email)
    except Exception:  # noqa: BLE001 - the broker is down: send from here rather than lose the request
        log.exception("password reset: the queue is unreachable, sending in the request")
        with atomic():
            send_reset_link(email)


def send_reset_link(email: str) -> bool:
    """Send the reset link when ``email`` is an active account's (run by the worker); whether it was sent."""
    from crisis_app.core.auth.services import get_user_by_email

    user = get_user_by_email(email)
    if user is None or not user.active:
        return False
    cpts = current_app.config["CPTS_NAME"]
    text = (f"Bonjour {user.full_name},\n\nQuelqu'un (vous, sans doute) a demandé à changer le mot de passe de "
            "votre compte Vigie. Choisissez-en un nouveau en ouvrant ce lien personnel, valable 2 heures et une "
            "seule fois. Si vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change pas.")
    outbox.send_message(topic=RESET, subject=f"{cpts} : changer votre mot de passe", recipients=[_recipient(user)],
                        channels=("email",), email_text=text, about=("user", user.id),
                        label=f"Mot de passe oublié : {user.email}")
    audit.record(actor=None, action="user.password_reset_requested", object_type="user", object_id=user.id,
                 summary="Lien de changement de mot de passe envoyé")
    return True


@atomic()
def set_password_from_link(*, token: str, password: str) -> User:
    """Set the password a link allows; the link (and every session of the account) stops working."""
    from crisis_app.core.auth.services import check_password_strength, revoke_tokens

    user, purpose = user_for_token(token)
    check_password_strength(password)
    user.set_password(password)
    user.end_sessions()
    revoke_tokens(actor=user, user=user, why="mot de passe choisi depuis un lien")
    audit.record(actor=user, action="user.password_set", object_type="user", object_id=user.id,
                 summary="Mot de passe choisi depuis " + ("l'invitation" if purpose == INVITATION
                                                          else "un lien « mot de passe oublié »"))
    return user

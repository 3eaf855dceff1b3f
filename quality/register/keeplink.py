"""The declarer keeps their follow-up link: a QR code of it, and "m'envoyer ce lien" to an address typed on the
spot. The address is used once and kept nowhere in Vigie: the message goes straight to the e-mail transport, not
through the outbox (whose rows would keep the address and the link). In the embedded mode without SMTP, what would
have left the machine is shown in the local outbox page, as every transport does there.

The poster: an A4 PDF of the public declaration link and its QR code, for a waiting room or a staff room.
"""

from __future__ import annotations

import secrets

import segno
from email_validator import EmailNotValidError, validate_email
from flask import current_app, render_template

from crisis_app.core.errors import ServiceError
from crisis_app.core.notifications.base import OutgoingMessage, TransportError
from crisis_app.core.notifications.registry import EMAIL, channel_for
from crisis_app.core.pdf import render_pdf


def qr_svg(link: str, *, scale: int = 4) -> str:
    """The QR code of ``link`` as inline SVG (nothing fetched, nothing stored)."""
    return segno.make(link, error="m").svg_inline(scale=scale, title="QR code du lien")


def send_link(*, address: str, link: str, reference: str) -> None:
    """Send the follow-up link once to ``address``; the address is not stored."""
    try:
        email = validate_email((address or "").strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        raise ServiceError("validation_error", "Adresse e-mail invalide : vérifiez-la.", field="email") from None
    body = (f"Bonjour,\n\nVoici le lien de suivi de votre déclaration {reference} :\n{link}\n\n"
            "Quiconque a ce lien peut lire la déclaration et y ajouter une information : gardez ce message pour "
            "vous.\nCette adresse e-mail n'a pas été enregistrée par Vigie.\n\nVigie — qualité et sécurité des soins")
    try:
        channel = channel_for(EMAIL)
    except KeyError:
        raise ServiceError("unavailable", "L'envoi d'e-mails n'est pas configuré : copiez le lien.",
                           status=503) from None
    try:
        channel.send(OutgoingMessage(reference=f"suivi-{secrets.token_hex(8)}", address=email,
                                     subject=f"Votre lien de suivi — {reference}", body=body))
    except TransportError:
        raise ServiceError("unavailable", "L'envoi a échoué : copiez le lien ou réessayez plus tard.",
                           status=503) from None


def poster_pdf(link: str) -> bytes:
    html = render_template("quality/pdf/poster.html", link=link, qr=qr_svg(link, scale=10),
                           cpts=current_app.config.get("CPTS_NAME", ""))
    return render_pdf(html)

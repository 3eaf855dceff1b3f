"""The population's information page: the référent's page to publish, update and withdraw it (crises blueprint),
and the public page itself (its own blueprint, no login, cacheable for a minute)."""

from __future__ import annotations

import hashlib
import time

from flask import Blueprint, Response, abort, make_response, render_template, request, url_for

from crisis_app.core.access import permission_required, public
from crisis_app.core.outcome import act_and_go_back
from crisis_app.crises import public_page
from crisis_app.crises.views import actor, bp, confirm_page, confirmed, crisis_for

public_bp = Blueprint("crisis_public", __name__)
MAX_AGE = 60


def public_url(page) -> str:
    return url_for("crisis_public.page", slug=page.slug, _external=True)


@bp.route("/<int:crisis_id>/population", methods=["GET", "POST"])
@permission_required("crisis.manage")
def population(crisis_id: int):
    crisis = crisis_for(crisis_id, "crisis.manage")
    page = public_page.page_of(crisis)
    if request.method == "POST":
        text, places = request.form.get("text", ""), request.form.get("places", "")
        if not (page and page.live) and not confirmed():
            return confirm_page(
                crisis=crisis, heading="Publier la page d'information",
                sentence="La page sera lisible par tous, sans compte, à son adresse publique : n'y mettez aucune "
                         "donnée personnelle (ni nom de patient, ni numéro personnel).",
                details=["Elle reprend les consignes du plan pour la typologie et la gradation de la crise, et les "
                         "cabinets et pharmacies qui se sont dits disponibles.",
                         "Vous pourrez la mettre à jour ou la retirer à tout moment."],
                action=url_for("crises.population", crisis_id=crisis.id), confirm_label="Confirmer la publication",
                back=url_for("crises.population", crisis_id=crisis.id), hidden={"text": text, "places": places})
        return act_and_go_back(lambda: public_page.publish(actor=actor(), crisis=crisis, text=text, places=places),
                               "Page d'information publiée." if not (page and page.live) else
                               "Page d'information mise à jour.", url_for("crises.population", crisis_id=crisis.id))
    return render_template("crises/population.html", crisis=crisis, page=page,
                           link=public_url(page) if page else None)


@bp.post("/<int:crisis_id>/population/retrait")
@permission_required("crisis.manage")
def population_withdraw(crisis_id: int):
    crisis = crisis_for(crisis_id, "crisis.manage")
    back = url_for("crises.population", crisis_id=crisis.id)
    if not confirmed():
        return confirm_page(crisis=crisis, heading="Retirer la page d'information",
                            sentence="La page d'information ne sera plus lisible : son adresse répondra « page "
                                     "introuvable » (les navigateurs peuvent la garder une minute).",
                            action=url_for("crises.population_withdraw", crisis_id=crisis.id),
                            confirm_label="Confirmer le retrait", back=back)
    return act_and_go_back(lambda: public_page.withdraw(actor=actor(), crisis=crisis),
                           "Page d'information retirée.", back)


@bp.get("/<int:crisis_id>/population/affiche.pdf")
@permission_required("crisis.manage")
def population_poster(crisis_id: int):
    page = public_page.page_of(crisis_for(crisis_id, "crisis.manage"))
    if page is None or not page.live:
        abort(404)
    return Response(public_page.poster_pdf(page, public_url(page)), mimetype="application/pdf",
                    headers={"Content-Disposition": f"attachment; filename=affiche-information-{crisis_id}.pdf"})


# Rendered pages per worker process: {slug: (state, rendered at, body, etag, last modified)}. A copy serves while
# the page's state (its text, the crisis's gradation, withdrawal) is unchanged — checked by one small query on each
# request, so a withdrawal is a 404 at once in every worker — and for RENDER_SECONDS at most, after which the open
# cabinets and pharmacies (alert answers) are read again.
_RENDERED: dict[str, tuple] = {}
RENDER_SECONDS = 20
MAX_RENDERED = 200


def _rendered(slug: str, state: tuple) -> tuple[bytes, str, object]:
    now = time.monotonic()
    cached = _RENDERED.get(slug)
    if cached and cached[0] == state and now - cached[1] < RENDER_SECONDS:
        return cached[2], cached[3], cached[4]
    found = public_page.live_page(slug)
    view = public_page.content(found)
    body = render_template("public/page.html", **view).encode()
    etag = hashlib.sha256(body).hexdigest()[:32]
    if len(_RENDERED) >= MAX_RENDERED:
        _RENDERED.clear()
    _RENDERED[slug] = (state, now, body, etag, view["updated_at"])
    return body, etag, view["updated_at"]


@public_bp.get("/info/<slug>")
@public
def page(slug: str):
    """Anyone with the address reads it: no session, no cookie, cacheable for a minute (a local news link may send
    thousands of readers), 404 once withdrawn."""
    state = public_page.state_of(slug)
    if state is None:
        response = make_response(render_template("public/gone.html"), 404)
    else:
        body, etag, last_modified = _rendered(slug, state)
        response = make_response(body)
        response.set_etag(etag)
        response.last_modified = last_modified
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    response.public_cache = True  # read by the app's header hook, which otherwise forbids caching
    return response.make_conditional(request)

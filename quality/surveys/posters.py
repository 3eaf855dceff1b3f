"""The printable poster of a satisfaction questionnaire's public link: its QR code (the register's helper) on an A4
PDF (core's helper: nothing fetched from outside)."""

from __future__ import annotations

from flask import current_app, render_template, url_for

from crisis_app.core.links import public_url
from crisis_app.core.pdf import render_pdf
from quality.register.keeplink import qr_svg
from quality.surveys.models import SurveyPoint


def link(point: SurveyPoint) -> str:
    return public_url(url_for("quality_surveys_public.point_answer", token=point.token))


def poster_pdf(point: SurveyPoint) -> bytes:
    address = link(point)
    return render_pdf(render_template("quality/surveys/poster.html", link=address, qr=qr_svg(address, scale=10),
                                      where=point.label, cpts=current_app.config.get("CPTS_NAME", "")))

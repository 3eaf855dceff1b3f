"""Journal de bord pages (read, write, correct, live refresh, CSV and PDF) and the needs and resources board."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for

from crisis_app.core import documents
from crisis_app.core.access import get_for_user, permission_required
from crisis_app.core.csvexport import csv_response
from crisis_app.core.db import abandon
from crisis_app.core.errors import ServiceError
from crisis_app.core.timez import paris_datetime
from crisis_app.crises import board, chain, journal, needs
from crisis_app.crises import documents as crisis_documents
from crisis_app.crises.models import WRITABLE_KINDS, Need, NeedStatus
from crisis_app.crises.schemas import MAX_ID
from crisis_app.crises.views import actor, bounded, bp, crisis_for


def _journal_page(crisis, *, form=None, errors=None, status=200):
    corrects = request.values.get("corrige", type=int)
    corrects = corrects if corrects is not None and 0 < corrects <= MAX_ID else None
    return render_template("crises/journal.html", crisis=crisis, entries=journal.entries(crisis),
                           kinds=WRITABLE_KINDS, form=form or {}, errors=errors or {}, corrects=corrects), status


@bp.route("/<int:crisis_id>/journal", methods=["GET"])
@permission_required("crisis.read")
def journal_page(crisis_id: int):
    return _journal_page(crisis_for(crisis_id))


@bp.route("/<int:crisis_id>/journal", methods=["POST"])
@permission_required("crisis.journal.write")
def journal_write(crisis_id: int):
    crisis = crisis_for(crisis_id, "crisis.journal.write")
    corrects = request.form.get("corrects", "")
    corrects_id = int(corrects) if corrects.isascii() and corrects.isdigit() and int(corrects) <= MAX_ID else None
    try:
        journal.write(actor=actor(), crisis=crisis, kind=request.form.get("kind", ""),
                      text=request.form.get("text", ""), corrects_id=corrects_id)
    except ServiceError as exc:
        abandon()
        flash(exc.message, "error")
        return _journal_page(crisis, form=request.form, errors=exc.fields, status=exc.status)
    flash("Entrée ajoutée au journal de bord.", "success")
    return redirect(url_for("crises.journal_page", crisis_id=crisis.id, _anchor="fin"))


def entry_dict(entry) -> dict:
    return {"id": entry.id, "seq": entry.seq, "at": entry.at.isoformat(), "at_paris": paris_datetime(entry.at),
            "kind": entry.kind.value, "kind_label": entry.kind.label, "text": entry.text,
            "author": entry.author_label, "corrects": entry.corrects_id}


@bp.route("/<int:crisis_id>/journal.json")
@permission_required("crisis.read")
def journal_feed(crisis_id: int):
    """Entries after ``apres`` (a sequence number), for the page's live refresh."""
    crisis = crisis_for(crisis_id)
    after = min(max(request.args.get("apres", 0, type=int), 0), MAX_ID)
    return jsonify({"items": [entry_dict(e) for e in journal.entries(crisis, after_seq=after, limit=200)],
                    "active": crisis.active})


HEADER = ["N°", "Date et heure (Paris)", "Nature", "Texte", "Auteur", "Corrige l'entrée n°", "Empreinte"]


def _rows(crisis):
    seq_of = {}
    for e in journal.entries(crisis):
        seq_of[e.id] = e.seq
        yield [e.seq, e.at, e.kind.label, e.text, e.author_label, seq_of.get(e.corrects_id), e.hash]
    yield ["", "", "Empreinte du journal", chain.head_line(crisis), "", "", chain.head_of(crisis.id)[1] or ""]


@bp.route("/<int:crisis_id>/journal.csv")
@permission_required("crisis.read")
def journal_csv(crisis_id: int):
    crisis = crisis_for(crisis_id)
    return csv_response(f"journal-crise-{crisis.id}.csv", HEADER, _rows(crisis))


@bp.route("/<int:crisis_id>/journal.pdf")
@permission_required("crisis.read")
def journal_pdf(crisis_id: int):
    """The kept PDF, or the wait page while a worker makes it (core.documents)."""
    crisis = crisis_for(crisis_id)
    return documents.respond(crisis_documents.request_journal(crisis, actor=actor()))


@bp.route("/<int:crisis_id>/tableau")
@permission_required("crisis.read")
def board_page(crisis_id: int):
    crisis = crisis_for(crisis_id)
    return render_template("crises/board.html", crisis=crisis, statuses=NeedStatus,
                           version=board.version(crisis), **board.snapshot(crisis))


@bp.route("/<int:crisis_id>/tableau.json")
@permission_required("crisis.read")
def board_feed(crisis_id: int):
    crisis = crisis_for(crisis_id)
    return jsonify({"version": board.version(crisis), "active": crisis.active})


@bp.route("/<int:crisis_id>/besoins", methods=["POST"])
@permission_required("crisis.needs.manage")
def need_add(crisis_id: int):
    crisis = crisis_for(crisis_id, "crisis.needs.manage")
    try:
        needs.add_need(actor=actor(), crisis=crisis, title=request.form.get("title", ""),
                       detail=request.form.get("detail"), owner=request.form.get("owner"))
        flash("Besoin ajouté.", "success")
    except ServiceError as exc:
        abandon()
        flash(exc.message + " " + " ".join(m for ms in exc.fields.values() for m in ms), "error")
    return redirect(url_for("crises.board_page", crisis_id=crisis.id))


@bp.route("/<int:crisis_id>/besoins/<int:need_id>", methods=["POST"])
@permission_required("crisis.needs.manage")
def need_update(crisis_id: int, need_id: int):
    crisis = crisis_for(crisis_id, "crisis.needs.manage")
    need = get_for_user(Need, bounded(need_id), "crisis.needs.manage")
    if need.crisis_id != crisis.id:
        abort(404)
    try:
        needs.update_need(actor=actor(), need=need, status=request.form.get("status", ""),
                          owner=request.form.get("owner"))
        flash("Besoin mis à jour.", "success")
    except ServiceError as exc:
        abandon()
        flash(exc.message, "error")
    return redirect(url_for("crises.board_page", crisis_id=crisis.id))

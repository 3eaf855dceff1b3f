"""Demo stock: two or three locations, ten items, lots (one close to expiry, one item under its threshold)."""

from __future__ import annotations

import random
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from crisis_app.core.db import db, utcnow
from crisis_app.core.demo.seed import demo_seeder
from crisis_app.stock import checks, query, services
from crisis_app.stock.models import StockItem

LOCATIONS = [
    ("Local CPTS — Toulouse", "12 rue des Lilas, 31000 Toulouse"),
    ("MSP Colomiers", "3 allée du Lac, 31770 Colomiers"),
    ("Pharmacie relais — Blagnac", "8 place de la Mairie, 31700 Blagnac"),
]
# name, unit, category, threshold, quantity received at the CPTS, days to expiry (None: no expiry)
ITEMS = [
    ("Masques FFP2", "boîte de 20", "protection", 20, 60, 540),
    ("Masques chirurgicaux", "boîte de 50", "protection", 30, 80, 720),
    ("Gants nitrile taille M", "boîte de 100", "protection", 10, 40, 900),
    ("Surblouses", "paquet de 10", "protection", 10, 25, None),
    ("Lunettes de protection", "unité", "protection", 5, 15, None),
    ("Solution hydro-alcoolique", "flacon de 500 mL", "hygiene", 20, 45, 12),
    ("Tests antigéniques", "boîte de 25", "diagnostic", 8, 20, 200),
    ("Oxymètres de pouls", "unité", "diagnostic", 5, 3, None),
    ("Thermomètres sans contact", "unité", "diagnostic", 3, 6, None),
    ("Talkies-walkies", "unité", "communication", 4, 8, None),
]
# what one unit holds, for the items counted in packs
PACKS = {"Masques FFP2": (20, "masque"), "Masques chirurgicaux": (50, "masque"),
         "Gants nitrile taille M": (100, "gant"), "Surblouses": (10, "surblouse"),
         "Tests antigéniques": (25, "test")}
STRUCTURES = ["EHPAD Les Tilleuls — Tournefeuille", "Centre de vaccination de Balma", "SSIAD du Muretain"]


@demo_seeder(order=60)
def seed(rng: random.Random) -> list[str]:
    """Create the demo stock through the services, so the ledger and the audit trail agree."""
    if db.session.scalar(sa.select(StockItem.id).limit(1)) is not None:
        return ["Stock : déjà présent, rien d'ajouté"]
    today = utcnow().date()
    places = [services.create_location(actor=None, name=n, address=a) for n, a in LOCATIONS]
    movements = 0
    for number, (name, unit, category, threshold, received, days) in enumerate(ITEMS, start=1):
        size, content = PACKS.get(name, (None, None))
        item = services.create_item(actor=None, name=name, unit=unit, category=category, alert_threshold=threshold,
                                    pack_size=size, pack_content=content)
        expiry = today + timedelta(days=days) if days is not None else None
        services.receive(actor=None, item_id=item.id, location_id=places[0].id, quantity=received,
                         lot_number=f"L{today:%y}-{number:03d}" if expiry else None, expires_on=expiry,
                         reason="Dotation ARS")
        movements += 1
        if received >= 20:
            services.receive(actor=None, item_id=item.id, location_id=places[rng.randrange(1, len(places))].id,
                             quantity=received // 4, reason="Don d'une officine partenaire")
            movements += 1
    movements += _distributions(rng)
    checks.run_daily_check(warning_days=int(current_app.config.get("STOCK_EXPIRY_WARNING_DAYS",
                                                                   query.DEFAULT_EXPIRY_WARNING_DAYS)))
    return [f"Stock : {len(ITEMS)} articles, {len(places)} lieux, {movements} mouvements"]


def _distributions(rng: random.Random) -> int:
    """A few hand-outs from the CPTS's lots, to demo professionals when the directory has some."""
    people = query.professionals()[:4]
    done = 0
    for lot in [lot for lot in query.lots() if lot.quantity >= 10][:6]:
        quantity = rng.randint(1, 3)
        if people and done % 2 == 0:
            services.distribute(actor=None, lot_id=lot.id, quantity=quantity, professional_id=rng.choice(people).id)
        else:
            services.distribute(actor=None, lot_id=lot.id, quantity=quantity, structure=rng.choice(STRUCTURES))
        done += 1
    return done

"""Crises: qualification, gradation, cellule de crise, journal de bord, RETEX."""

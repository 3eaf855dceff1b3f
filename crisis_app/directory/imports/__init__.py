"""Imports and exports of the directory: the Annuaire Santé extraction, the directory's CSV, the import jobs a
worker runs while the page follows their progress, and the command line."""

"""Professionals of the directory: entries, consents, search, "Ma fiche", the mobilisation list."""

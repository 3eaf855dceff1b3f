"""Demo plan (filled in later)."""

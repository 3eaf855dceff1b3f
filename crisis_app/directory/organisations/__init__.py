"""Partner organisations and external recipients (ARS, CPAM, MSA, hospitals, neighbouring CPTS, préfecture)."""

"""CREX, RMM and patient-traceur sessions: scheduling, invitations (.ics), agenda, attendance, decisions, minutes,
the patient traceur, the themes."""

"""The register of adverse events (EIAS): declaration (named, anonymous, public link), triage, the state machine,
EIGS deadlines and documents, the declarer's follow-up and feedback."""

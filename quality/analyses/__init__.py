"""Analyses of events (ORION, ALARM): the pilot's page, presented then validated by a session; closing the event."""

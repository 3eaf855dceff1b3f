"""Shared core: extensions, database base, auth and roles, audit, Celery wiring, API base."""

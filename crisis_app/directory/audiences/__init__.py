"""Audiences: saved filters and fixed lists of professionals, resolved when an alert is sent."""

"""The freshness campaign: every entry not confirmed lately is asked to check its details through a link."""

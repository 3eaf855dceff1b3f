"""Users, passwords, API tokens and the login pages."""

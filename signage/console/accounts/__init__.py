"""Accounts: console users with a role (office, reviewer, unit) and a unit; sign-in with
throttling and, when the county turns it on, TOTP two-factor."""

"""The audit log: every change to content, a review, a publish, an account or a screen, append-only."""

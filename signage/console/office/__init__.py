"""The office's pages: the county dashboard, publish now, the live fleet page with screenshots,
and the audit log (view and CSV)."""

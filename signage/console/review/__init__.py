"""保密审查 in the console: submissions, the reviewer's queue with field-level diffs, and sealed
approvals (account, time, digest, Ed25519 signature) written into the record's YAML."""

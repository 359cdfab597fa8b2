"""Keeping the whole installation safe: backup and restore of the database and the files the
console keeps on disk. Uses the audit trail (to record and verify the chain) and nothing above."""

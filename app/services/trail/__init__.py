"""The ground every area writes to: the audit chain, record snapshots and their hashes, the data
stamp that keys caches, e-signatures, and outgoing mail. Imports nothing else from services."""

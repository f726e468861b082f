"""Statements: the same quote reported by many outlets, grouped after commit.

`fingerprints` is pure (words in, hashes out); `grouping` runs in the outbox drain, so
ingest's write transaction pays nothing for it.
"""

"""Articles and their quotes: reads, and the write path with outbox events."""

"""Keeping Meilisearch in step with PostgreSQL: outbox, documents, drain, rebuild, drift."""

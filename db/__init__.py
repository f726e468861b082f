"""Storage layer: settings, models, sessions, repositories and the Meilisearch index."""

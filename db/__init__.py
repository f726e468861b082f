"""Storage: settings, models, the stores, one package per aggregate, the Meilisearch index."""

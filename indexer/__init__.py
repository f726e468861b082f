"""The indexer: reads articles, extracts attributed quotes, stores and indexes them."""

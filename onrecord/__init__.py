"""The product: the composition root and the `onrecord` command line, over api, indexer and db."""

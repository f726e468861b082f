"""Language data for the extractor."""

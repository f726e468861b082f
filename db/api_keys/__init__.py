"""API keys: SHA-256 digests and scopes."""

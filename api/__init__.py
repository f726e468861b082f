"""The HTTP API: search and read quotes, write articles with a key."""

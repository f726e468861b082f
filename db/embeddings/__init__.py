"""Sentence embeddings of quotes and queries: one local model, loaded once per process."""

from db.embeddings.embedder import (
    DIMENSIONS,
    EMBEDDER_NAME,
    Embedder,
    EmbedderError,
    from_bytes,
    local_embedder,
    to_bytes,
)

__all__ = [
    "DIMENSIONS",
    "EMBEDDER_NAME",
    "Embedder",
    "EmbedderError",
    "from_bytes",
    "local_embedder",
    "to_bytes",
]

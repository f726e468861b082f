"""An external embedder that Meilisearch calls itself (its `rest` embedder source).

For production, where a larger model or a GPU serves vectors over HTTP: Meilisearch sends
each document's cited words (`documentTemplate`) and each hybrid or semantic query's text to
`url` and reads the vectors from the answer, as the request and response templates describe
(Meilisearch's own template language: `{{text}}` and `{{embedding}}`, `{{..}}` for a batch).
OnRecord then computes no vector, stores none and sends none: its documents carry no
`_vectors`, its searches only name the embedder. The API key is Meilisearch's to send (as
`Authorization: Bearer`); it goes into the index settings only, Meilisearch never returns it
unredacted, and here it is a `SecretStr`, so neither a repr nor a log line shows it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import SecretStr

REST_EMBEDDER_NAME = "external"  # its name in the index settings (not "minilm": other vectors)
# OpenAI's embeddings API shape, which most embedding servers offer (batches of texts)
DEFAULT_REQUEST: dict[str, Any] = {"input": ["{{text}}", "{{..}}"]}
DEFAULT_RESPONSE: dict[str, Any] = {"data": [{"embedding": "{{embedding}}"}, "{{..}}"]}
DOCUMENT_TEMPLATE = "{{doc.cited}}"  # what is embedded: the cited words, as with the local model
DOCUMENT_TEMPLATE_MAX_BYTES = 4000  # Meilisearch's default (400) would cut long quotes


@dataclass(frozen=True)
class RestEmbedder:
    """The settings of Meilisearch's `rest` embedder for the quote index."""

    url: str
    api_key: SecretStr | None = None
    dimensions: int | None = None  # None: Meilisearch asks the embedder once to learn it
    request: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_REQUEST))
    response: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_RESPONSE))
    name: str = REST_EMBEDDER_NAME

    def index_settings(self) -> dict[str, Any]:
        """The embedder's entry in the index settings (holds the key: never log it)."""
        settings: dict[str, Any] = {
            "source": "rest",
            "url": self.url,
            "request": self.request,
            "response": self.response,
            "documentTemplate": DOCUMENT_TEMPLATE,
            "documentTemplateMaxBytes": DOCUMENT_TEMPLATE_MAX_BYTES,
        }
        if self.api_key is not None:
            settings["apiKey"] = self.api_key.get_secret_value()
        if self.dimensions is not None:
            settings["dimensions"] = self.dimensions
        return settings

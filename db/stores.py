"""The two stores, opened once from resolved settings and handed to whoever needs them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from db.search_index import SearchIndex
from db.session import make_engine, make_session_factory
from db.settings import ResolvedSettings
from db.vocabulary import EmbeddingsMode

if TYPE_CHECKING:
    from db.embeddings.rest import RestEmbedder


@dataclass
class Stores:
    settings: ResolvedSettings
    engine: Engine
    factory: sessionmaker[Session]
    index: SearchIndex

    @classmethod
    def open(cls, settings: ResolvedSettings) -> Stores:
        """Connect lazily: nothing is reached until first use."""
        engine = make_engine(settings.database_url)
        embedder = remote = None
        if settings.embeddings == EmbeddingsMode.local:  # loaded on first use, once
            from db.embeddings import local_embedder

            embedder = local_embedder(settings.embedding_threads)
        elif settings.embeddings == EmbeddingsMode.rest:
            remote = rest_embedder(settings)
        index = SearchIndex(
            settings.meili_url,
            settings.meili_master_key,
            settings.meili_index,
            timeout=settings.meili_timeout,
            embedder=embedder,
            remote=remote,
        )
        return cls(settings, engine, make_session_factory(engine), index)

    def close(self) -> None:
        self.engine.dispose()


def rest_embedder(settings: ResolvedSettings) -> RestEmbedder:
    """The external embedder the settings describe (`ONRECORD_EMBEDDINGS=rest`)."""
    from db.embeddings.rest import DEFAULT_REQUEST, DEFAULT_RESPONSE, RestEmbedder

    assert settings.embeddings_url, "the settings' validator requires it"
    key = settings.embeddings_api_key
    return RestEmbedder(
        url=settings.embeddings_url,
        api_key=key if key and key.get_secret_value() else None,  # "" (compose): none
        dimensions=settings.embeddings_dimensions,
        request=settings.embeddings_request or DEFAULT_REQUEST,
        response=settings.embeddings_response or DEFAULT_RESPONSE,
    )

"""The two stores, opened once from resolved settings and handed to whoever needs them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from db.search_index import SearchIndex
from db.session import make_engine, make_session_factory
from db.settings import ResolvedSettings
from db.vocabulary import EmbeddingsMode


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
        embedder = None
        if settings.embeddings == EmbeddingsMode.local:  # loaded on first use, once
            from db.embeddings import local_embedder

            embedder = local_embedder(settings.embedding_threads)
        index = SearchIndex(
            settings.meili_url,
            settings.meili_master_key,
            settings.meili_index,
            timeout=settings.meili_timeout,
            embedder=embedder,
        )
        return cls(settings, engine, make_session_factory(engine), index)

    def close(self) -> None:
        self.engine.dispose()

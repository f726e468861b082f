"""The one settings object, read from ``ONRECORD_*`` environment variables.

`Settings` is what the environment says; `ResolvedSettings` is what the stores are opened
with, both service URLs known (the composition root fills unset ones by starting the private
services)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ONRECORD_", extra="ignore")

    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of PostgreSQL; unset starts a private cluster in `home`.",
    )
    meili_url: str | None = Field(
        default=None, description="Meilisearch URL; unset starts a private Meilisearch in `home`."
    )
    meili_master_key: str | None = Field(default=None, description="Meilisearch master key.")
    meili_index: str = Field(default="quotes", description="Name of the quote index.")
    meili_bin: str | None = Field(
        default=None,
        validation_alias=AliasChoices("ONRECORD_MEILI_BIN", "MEILI_BIN"),
        description="Path of the meilisearch binary for the private instance.",
    )
    home: Path = Field(default=Path(".onrecord"), description="Where private services live.")
    api_keys: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated bootstrap API keys (all scopes), stored hashed at start.",
    )
    max_article_bytes: int = Field(default=5_000_000, description="Largest article accepted.")
    max_request_bytes: int = Field(
        default=12_000_000, description="Largest request body the API reads (413 above)."
    )
    index_batch_size: int = Field(
        default=10_000,
        description="Most quotes per Meilisearch write (large batches index fastest).",
    )
    index_worker_interval: float = Field(
        default=1.0, description="Seconds between outbox checks of the `serve` index worker."
    )
    meili_timeout: float = Field(
        default=30.0, description="Seconds any Meilisearch request may take (worker, commands)."
    )
    index_write_timeout: float = Field(
        default=5.0,
        description="Seconds an API write waits for Meilisearch before its quotes are left "
        "pending for the index worker; also bounds the readiness probe.",
    )
    rate_limit_search: str = Field(
        default="600/minute", description="Searches per client address or key (limits syntax)."
    )
    rate_limit_write: str = Field(
        default="120/minute", description="Writes per key and per client address."
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Proxy addresses/networks whose X-Forwarded-For is believed; none by default.",
    )

    @field_validator("api_keys", "trusted_proxies", mode="before")
    @classmethod
    def _split_keys(cls, value: object) -> object:
        if isinstance(value, str):
            return [key.strip() for key in value.split(",") if key.strip()]
        return value


class ResolvedSettings(Settings):
    """Settings whose service URLs are known."""

    database_url: str
    meili_url: str

    @classmethod
    def of(cls, settings: Settings, **updates: object) -> ResolvedSettings:
        """`settings` with `updates` on top; both URLs must then be set."""
        return cls.model_validate({**settings.model_dump(), **updates})

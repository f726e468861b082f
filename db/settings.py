"""The one settings object, read from ``ONRECORD_*`` environment variables.

`Settings` is what the environment says; `ResolvedSettings` is what the stores are opened
with, both service URLs known (the composition root fills unset ones by starting the private
services)."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from db.vocabulary import EmbeddingsMode

# Where rate limits may be counted: the process's memory, or Redis (the redis package ships).
RATE_LIMIT_STORAGE_SCHEMES = frozenset(
    {"memory", "redis", "rediss", "redis+unix", "redis+sentinel", "redis+cluster"}
)


class Settings(BaseSettings):
    # errors name the setting and the reason, never the value (URLs and keys hold secrets)
    model_config = SettingsConfigDict(
        env_prefix="ONRECORD_", extra="ignore", hide_input_in_errors=True
    )

    database_url: str | None = Field(
        default=None,
        repr=False,
        description="SQLAlchemy URL of PostgreSQL; unset starts a private cluster in `home`.",
    )
    meili_url: str | None = Field(
        default=None, description="Meilisearch URL; unset starts a private Meilisearch in `home`."
    )
    meili_master_key: str | None = Field(
        default=None, repr=False, description="Meilisearch master key."
    )
    meili_index: str = Field(default="quotes", description="Name of the quote index.")
    meili_bin: str | None = Field(
        default=None,
        validation_alias=AliasChoices("ONRECORD_MEILI_BIN", "MEILI_BIN"),
        description="Path of the meilisearch binary for the private instance.",
    )
    home: Path = Field(default=Path(".onrecord"), description="Where private services live.")
    api_keys: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        repr=False,
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
    extract_workers: int = Field(
        default=1,
        ge=1,
        description="Processes that extract the articles posted to the API (off its interpreter).",
    )
    extract_waiting: int = Field(
        default=16,
        ge=0,
        description="Posted articles that may wait for an extraction worker; more get 503.",
    )
    index_worker_interval: float = Field(
        default=1.0, description="Seconds between outbox checks of the `serve` index worker."
    )
    meili_timeout: float = Field(
        default=30.0, description="Seconds any Meilisearch request may take (worker, commands)."
    )
    index_write_timeout: float = Field(
        default=5.0,
        description="Seconds an API delete waits for Meilisearch before its removal is left "
        "pending for the index worker; also bounds the readiness probe.",
    )
    rate_limit_search: str = Field(
        default="600/minute", description="Searches per client address or key (limits syntax)."
    )
    rate_limit_write: str = Field(
        default="120/minute", description="Writes per key and per client address."
    )
    rate_limit_auth_failure: str = Field(
        default="10/minute",
        description="Wrong or revoked API keys per client address; past it every request "
        "with a key is 429, before any database lookup.",
    )
    rate_limit_storage: str = Field(
        default="memory://",
        repr=False,
        description="Where rate limits are counted: `memory://` (this process) or a Redis URL "
        "(redis://[:PASSWORD@]HOST:6379/0) that every API process shares; never logged with "
        "its password. While Redis is down each process counts alone (one log line).",
    )
    rate_limit_key_prefix: str = Field(
        default="onrecord-limits",
        description="Prefix of the rate limit keys in a shared store (one per deployment).",
    )
    editor_session_hours: float = Field(
        default=12.0,
        gt=0,
        description="Hours an editor's browser session lasts after signing in, at most.",
    )
    editor_session_idle_minutes: float = Field(
        default=60.0,
        gt=0,
        description="Minutes without a request after which an editor's session ends.",
    )
    public_url: str | None = Field(
        default=None,
        description="Scheme and host every absolute URL names (https://quotes.example); "
        "unset: the request's Host when it is an allowed host.",
    )
    allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["localhost", "127.0.0.1"],
        description="Host names a request may name itself by when no public URL is set; any "
        "other Host gets the first of these.",
    )
    embeddings: EmbeddingsMode = Field(
        default=EmbeddingsMode.local,
        description="Sentence vectors for search by meaning and paraphrases: `local` (the "
        "packaged all-MiniLM-L6-v2), `rest` (an HTTP embedding service that Meilisearch "
        "calls itself, ONRECORD_EMBEDDINGS_URL) or `off` (keyword search only, no model loaded).",
    )
    embeddings_url: str | None = Field(
        default=None,
        description="With `rest`: the URL Meilisearch posts texts to for their vectors (as "
        "Meilisearch reaches it).",
    )
    embeddings_api_key: SecretStr | None = Field(
        default=None,
        description="With `rest`: the key Meilisearch sends as `Authorization: Bearer`; kept "
        "in the index settings only, never logged or shown.",
    )
    embeddings_dimensions: int | None = Field(
        default=None, ge=1, description="With `rest`: the vectors' dimensions (unset: asked)."
    )
    embeddings_request: dict[str, Any] | None = Field(
        default=None,
        description='With `rest`: the request body template, JSON (default {"input": '
        '["{{text}}", "{{..}}"]}, OpenAI\'s shape).',
    )
    embeddings_response: dict[str, Any] | None = Field(
        default=None,
        description='With `rest`: where the vectors are in the answer, JSON (default {"data": '
        '[{"embedding": "{{embedding}}"}, "{{..}}"]}).',
    )
    embedding_threads: int = Field(
        default=1, ge=1, le=64, description="Cores the local embedding model runs on."
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Proxy addresses/networks whose X-Forwarded-For is believed; none by default.",
    )
    webhook_allow_networks: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Networks webhooks may be delivered to although they are not public "
        "(e.g. 10.0.0.0/8); none by default: loopback, private and metadata addresses are "
        "refused.",
    )
    webhook_timeout: float = Field(
        default=10.0, description="Seconds a webhook receiver has to answer one delivery."
    )
    webhook_retry_base: float = Field(
        default=5.0,
        description="Seconds before a failed webhook delivery's first retry; each next one "
        "waits twice as long (at most 6 h).",
    )
    webhook_retry_window: float = Field(
        default=86_400.0,
        description="Seconds a webhook delivery is retried for; an endpoint that has failed "
        "for this long is disabled.",
    )
    alert_worker_interval: float = Field(
        default=1.0,
        description="Seconds between the serve alert worker's rounds (match new quotes, send "
        "due webhooks).",
    )

    fetch_allow_networks: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Networks (127.0.0.0/8, 10.1.0.0/16, ::1) the fetcher may connect to although "
        "they are not public: none by default, so feeds and pages on loopback, private, "
        "link-local and metadata addresses are refused (SSRF). For tests and intranets.",
    )
    fetch_contact_url: str = Field(
        default="https://github.com/onrecord/onrecord",
        description="Where site owners read about our crawler; named in the User-Agent.",
    )
    fetch_min_interval: float = Field(
        default=1.0,
        description="Seconds between two requests to one host (robots.txt "
        "Crawl-delay may ask for more).",
    )
    feed_interval: str = Field(
        default="15m", description="How often a feed added without --every is polled."
    )
    feed_tick: int = Field(
        default=5,
        ge=1,
        le=59,
        description="Seconds between the scheduler's looks for due feeds (a divisor of 60).",
    )

    @model_validator(mode="after")
    def _rest_embedder(self) -> Settings:
        if self.embeddings == EmbeddingsMode.rest and not self.embeddings_url:
            raise ValueError("ONRECORD_EMBEDDINGS=rest needs ONRECORD_EMBEDDINGS_URL")
        if self.embeddings_url:
            parts = urlsplit(self.embeddings_url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError("ONRECORD_EMBEDDINGS_URL must be an http(s) URL")
        return self

    @field_validator("public_url")
    @classmethod
    def _origin_only(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in "/":
            raise ValueError("ONRECORD_PUBLIC_URL must be http(s)://host[:port], without a path")
        return f"{parts.scheme}://{parts.netloc}"

    @field_validator(
        "api_keys",
        "trusted_proxies",
        "allowed_hosts",
        "fetch_allow_networks",
        "webhook_allow_networks",
        mode="before",
    )
    @classmethod
    def _split_keys(cls, value: object) -> object:
        if isinstance(value, str):
            return [key.strip() for key in value.split(",") if key.strip()]
        return value

    @field_validator("rate_limit_storage")
    @classmethod
    def _rate_limit_storage(cls, value: str) -> str:
        scheme = urlsplit(value).scheme
        if scheme not in RATE_LIMIT_STORAGE_SCHEMES:
            raise ValueError(
                f"ONRECORD_RATE_LIMIT_STORAGE: scheme {scheme!r} is not one of "
                f"{', '.join(sorted(RATE_LIMIT_STORAGE_SCHEMES))}"
            )
        return value

    @field_validator("fetch_allow_networks")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for network in value:
            try:
                ipaddress.ip_network(network)
            except ValueError as exc:
                raise ValueError(f"ONRECORD_FETCH_ALLOW_NETWORKS: {exc}") from None
        return value


class ResolvedSettings(Settings):
    """Settings whose service URLs are known."""

    database_url: str = Field(repr=False)  # holds the password
    meili_url: str

    @classmethod
    def of(cls, settings: Settings, **updates: object) -> ResolvedSettings:
        """`settings` with `updates` on top; both URLs must then be set."""
        return cls.model_validate({**settings.model_dump(), **updates})

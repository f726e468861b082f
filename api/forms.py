"""HTML form bodies (`application/x-www-form-urlencoded`), read with a size cap.

Our pages' forms post URL-encoded fields only (no files), which the standard library parses;
multipart bodies are refused rather than read."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs

from fastapi import Request

from api.errors import APIError

URLENCODED = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class FormFields:
    fields: dict[str, list[str]]

    def get(self, name: str) -> str:
        """The first value of a field, stripped; empty when absent."""
        return (self.fields.get(name) or [""])[0].strip()

    def optional(self, name: str) -> str | None:
        return self.get(name) or None

    def all(self, name: str) -> list[str]:
        return [v.strip() for v in self.fields.get(name, []) if v.strip()]


async def read_form(request: Request, limit: int) -> FormFields:
    """The posted fields (none for an empty body); 413 over `limit` bytes, 415 for anything
    but a URL-encoded form."""
    raw = await request.body()
    if len(raw) > limit:
        raise APIError(413, "The form is too long.")
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if raw and media_type != URLENCODED:
        raise APIError(415, "Send the form as application/x-www-form-urlencoded.")
    return FormFields(parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True))

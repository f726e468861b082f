"""Standard Webhooks signing: per-endpoint `whsec_` secrets, message ids and signed headers.

The signature itself is the `standardwebhooks` library's (HMAC-SHA256 over
`id.timestamp.body`), so what receivers verify with the same library is exactly what we sign.
"""

from __future__ import annotations

import base64
import secrets
import uuid
from datetime import UTC, datetime

from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    """A fresh endpoint secret: `whsec_` and 32 random bytes in base64, as the spec shows."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def new_message_id() -> str:
    """A `webhook-id`: unique per event, the same on every retry of it."""
    return f"msg_{uuid.uuid4().hex}"


def signed_headers(
    secret: str, message_id: str, payload: str, now: datetime | None = None
) -> dict[str, str]:
    """The three Standard Webhooks headers for one attempt (the timestamp is the attempt's)."""
    when = (now or datetime.now(UTC)).astimezone(UTC)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(when.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, when, payload),
        "content-type": "application/json",
    }

"""Alerts: saved searches owned by an API key, their Atom feeds' tokens, and webhooks.

`repository` holds the SQL of the alert tables; `service` creates and changes alerts;
`matching` finds, per batch of new quotes, which alerts with a webhook they match;
`delivery` is the webhook outbox (claim, sign, send, retry, disable); `worker` runs both in
the background of `onrecord serve`.
"""

"""Schemathesis against the OpenAPI schema of the running app: no input may give a 5xx
(except the 501 the oEmbed spec asks for when a format other than json is requested)."""

from __future__ import annotations

import httpx
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.conftest import API_KEY

EXAMPLES_PER_OPERATION = 40


def test_no_input_gives_a_server_error(api: httpx.Client) -> None:
    base_url = str(api.base_url)
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10  # the whole public API, not a subset
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def no_server_error(case) -> None:
            response = case.call(base_url=base_url, headers={"X-API-Key": API_KEY})
            expected_501 = case.path == "/oembed" and response.status_code == 501  # oEmbed spec
            assert response.status_code < 500 or expected_501, (
                f"{case.method} {case.formatted_path} {case.query}: "
                f"{response.status_code} {response.text[:300]}"
            )

        no_server_error()

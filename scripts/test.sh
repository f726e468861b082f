#!/usr/bin/env bash
# The second command: set up, lint, and run the test suite against a real PostgreSQL and
# Meilisearch (private ones the fixtures start, or ONRECORD_TEST_DATABASE_URL/_MEILI_URL).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/ruff check .
.venv/bin/ruff format --check .
exec .venv/bin/pytest "$@"

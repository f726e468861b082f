#!/usr/bin/env bash
# The second command: set up, lint, type-check, and run the test suite against a real
# PostgreSQL and Meilisearch (private ones the fixtures start, or ONRECORD_TEST_DATABASE_URL/_MEILI_URL).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy  # the files and strictness are in pyproject.toml [tool.mypy]
exec .venv/bin/pytest "$@"

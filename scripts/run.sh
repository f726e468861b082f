#!/usr/bin/env bash
# The first command: set up, load the sample articles and serve the API on http://127.0.0.1:8000
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/onrecord db upgrade
.venv/bin/onrecord ingest samples/articles
exec .venv/bin/onrecord serve --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}"

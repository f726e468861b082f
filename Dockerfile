# OnRecord API image: slim, non-root; runs the migrations, then `onrecord serve` (uvicorn with
# the index worker and JSON request logs).
# Build:  docker build -t onrecord .
# Run:    see compose.yaml (needs PostgreSQL and Meilisearch URLs in the environment).

# Debian 12 (bookworm) in both stages: its postgresql-client-15 matches compose's PostgreSQL 15,
# the pg_dump/pg_restore that `onrecord backup` and `onrecord restore` run.
FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/onrecord
COPY pyproject.toml README.md ./
COPY api ./api
COPY db ./db
COPY indexer ./indexer
COPY migrations ./migrations
COPY onrecord ./onrecord
RUN /opt/onrecord/bin/pip install .

FROM python:3.11-slim-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client-15 \
 && rm -rf /var/lib/apt/lists/*
ENV PATH=/opt/onrecord/bin:/usr/lib/postgresql/15/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    ONRECORD_HOME=/home/onrecord/.onrecord
RUN groupadd --system --gid 10001 onrecord \
 && useradd --system --uid 10001 --gid onrecord --create-home onrecord \
 && install -d -o onrecord -g onrecord /backups  # a named volume there starts owned by onrecord
COPY --from=build /opt/onrecord /opt/onrecord
USER onrecord
WORKDIR /home/onrecord
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=3)"]
# ONRECORD_DATABASE_URL and ONRECORD_MEILI_URL must be set: the image never starts private services.
# Behind a reverse proxy set ONRECORD_TRUSTED_PROXIES to its address so rate limits see clients.
CMD ["sh", "-c", "test -n \"$ONRECORD_DATABASE_URL\" && test -n \"$ONRECORD_MEILI_URL\" || { echo 'set ONRECORD_DATABASE_URL and ONRECORD_MEILI_URL' >&2; exit 2; }; onrecord db upgrade && exec onrecord serve --host 0.0.0.0 --port 8000"]

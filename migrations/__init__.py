"""Alembic migrations; a package so that installed copies of OnRecord carry them."""

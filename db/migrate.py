"""Alembic, configured in code so that `onrecord db upgrade` needs no ini file or cwd.

Alembic (with Mako) is imported only by the functions that run it: every command checks the
schema revision, and that check reads the migration files and `alembic_version` directly.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text

import migrations

if TYPE_CHECKING:
    from alembic.config import Config

_DECLARED = re.compile(r'^(revision|down_revision)\s*(?::[^=\n]*)?=\s*(None|"[^"\n]*")\s*$', re.M)


class NotMigratedError(RuntimeError):
    """The database schema is not at the head revision."""


def alembic_config(database_url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(database_url), revision)


def head_revision(database_url: str) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()


def known_revisions(database_url: str) -> set[str]:
    """Every revision the migration files of this code define."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(database_url))
    return {s.revision for s in script.walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def ensure_migrated(engine: Engine) -> None:
    """Refuse to work on a database whose schema is missing or older than this code."""
    declared = _declared_head()
    if declared is not None and _stored_revision(engine) == declared:
        return  # the common case, answered without loading Alembic
    url = engine.url.render_as_string(hide_password=False)
    current, head = current_revision(engine), head_revision(url)
    if current != head:
        state = "has no OnRecord schema" if current is None else f"is at revision {current}"
        raise NotMigratedError(
            f"The database {engine.url.render_as_string(hide_password=True)} {state}, "
            f"this code needs {head}. Run `onrecord db upgrade` first."
        )


def _declared_head() -> str | None:
    """The one head revision the migration files declare; None when a file declares its
    revisions in a form this reading does not know (Alembic then decides)."""
    revisions, parents = set(), set()
    for path in (Path(migrations.__file__).parent / "versions").glob("*.py"):
        declared = dict(_DECLARED.findall(path.read_text(encoding="utf-8")))
        if set(declared) != {"revision", "down_revision"} or declared["revision"] == "None":
            return None
        revisions.add(declared["revision"].strip('"'))
        parents.add(declared["down_revision"].strip('"'))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _stored_revision(engine: Engine) -> str | None:
    """`alembic_version` as stored (None without one), read with one plain query."""
    with engine.connect() as connection:
        if connection.scalar(text("SELECT to_regclass('alembic_version')")) is None:
            return None
        return connection.scalar(text("SELECT max(version_num) FROM alembic_version"))

"""Bulk writes: COPY rows inside a session's transaction, with ids reserved beforehand."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import text
from sqlalchemy.orm import Session


def lock_keys(session: Session, lock_class: int, keys: Iterable[str]) -> None:
    """Hold, until this transaction ends, an advisory lock (class, hash of the key) on each
    key, taken in the order of their lock ids so two writers sharing keys cannot deadlock."""
    keys = sorted(set(keys))
    if keys:
        session.execute(
            text(
                "SELECT pg_advisory_xact_lock(:cls, h) FROM (SELECT DISTINCT hashtext(k) AS h"
                " FROM unnest(CAST(:keys AS text[])) AS k ORDER BY h) AS ids"
            ),
            {"cls": lock_class, "keys": keys},
        )


def next_ids(session: Session, table: str, count: int) -> list[int]:
    """Reserve `count` ids from a table's sequence (rows written with COPY carry their ids)."""
    if count == 0:
        return []
    sequence = f"SELECT nextval(pg_get_serial_sequence('{table}', 'id'))"
    return list(session.scalars(text(f"{sequence} FROM generate_series(1, :n)"), {"n": count}))


def copy_rows(
    session: Session, table: str, columns: Sequence[str], rows: Iterable[Sequence[object]]
) -> None:
    """COPY rows into a table inside the session's transaction (psycopg 3)."""
    names = ", ".join(f'"{name}"' for name in columns)
    driver = session.connection().connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)

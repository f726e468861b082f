"""Bulk writes: COPY rows inside a session's transaction, with ids reserved beforehand."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import text
from sqlalchemy.orm import Session


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

"""Database helpers shared by every domain."""

import sqlite3

from sqlalchemy import event, func, select, text
from sqlalchemy.engine import Engine

from marketplace.extensions import db


@event.listens_for(Engine, "connect")
def configure_sqlite_connection(dbapi_connection, connection_record):
    """SQLite: enforce foreign keys, wait on locks, and let SQLAlchemy own transactions.

    pysqlite's own transaction handling breaks SAVEPOINTs; the documented fix is to switch it off
    and emit BEGIN ourselves (see the "begin" listener below).
    """
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def begin_sqlite_transaction(connection):
    if connection.dialect.name != "sqlite":
        return
    if connection.get_execution_options().get("sqlite_begin_immediate"):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")


def get_for_update(model, object_id):
    """Load one row locked for the rest of the transaction (SELECT ... FOR UPDATE on PostgreSQL).

    SQLite has no row locks; there the whole database is locked by the first write, which is safe
    for one process.
    """
    return db.session.execute(
        select(model).where(model.id == object_id).with_for_update()
    ).scalar_one_or_none()


def str_enum(enum_class, length: int = 20):
    """A StrEnum column stored as its value in a VARCHAR with a CHECK, on every database."""
    return db.Enum(
        enum_class,
        native_enum=False,
        create_constraint=True,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


def advisory_xact_lock(namespace: str, key: str | int, session=None) -> None:
    """Serialise writers of one logical thing until the transaction ends (PostgreSQL).

    Used where rows are rebuilt by delete + insert, which two transactions must not do at once.
    On SQLite the first write already locks the whole database, so nothing is needed.
    """
    session = session or db.session
    if session.get_bind().dialect.name != "postgresql":
        return
    session.execute(
        text("SELECT pg_advisory_xact_lock(hashtext(:namespace), hashtext(:key))"),
        {"namespace": namespace, "key": str(key)},
    )


def bulk_insert(table, rows: list[dict], session=None) -> None:
    """Insert many rows into `table` in the current transaction: COPY on PostgreSQL (ten times
    faster for the nightly rebuild of a million derived rows), executemany elsewhere."""
    if not rows:
        return
    session = session or db.session
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(table.insert(), rows)
        return
    columns = list(rows[0])
    quoted = ", ".join(f'"{name}"' for name in columns)
    cursor = connection.connection.dbapi_connection.cursor()
    with cursor, cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([row[name] for name in columns])


def advisory_xact_locks(namespace: str, keys, session=None) -> None:
    """`advisory_xact_lock` for many keys in one statement, in a fixed order (no deadlocks)."""
    session = session or db.session
    if session.get_bind().dialect.name != "postgresql":
        return
    session.execute(
        text(
            "SELECT pg_advisory_xact_lock(hashtext(:namespace), hashtext(k)) "
            "FROM unnest(CAST(:keys AS text[])) WITH ORDINALITY AS t(k, n) ORDER BY n"
        ),
        {"namespace": namespace, "keys": [str(k) for k in sorted(keys)]},
    )


def without_waiting_for_disk(session=None) -> None:
    """Let this transaction's commit return before its WAL reaches the disk (PostgreSQL).

    Only for derived data (figures, stale marks, page versions) rebuilt from the sources by the
    jobs: a crash may lose the last fraction of a second of it, never a payment, and a webhook does
    not wait for three more disk flushes after its own.
    """
    session = session or db.session
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL synchronous_commit TO OFF"))


LIKE_ESCAPE = "\\"


def like_escape(text: str) -> str:
    """`text` with LIKE's wildcards (`%`, `_`) and the escape character taken literally."""
    return (
        text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )


def contains_text(column, text: str):
    """Case-insensitive "column contains text" for every search box: what people type is matched
    literally, so "100%" finds "100%" and "_" finds an underscore, not every row."""
    pattern = f"%{like_escape(text.strip().lower())}%"
    return func.lower(column).like(pattern, escape=LIKE_ESCAPE)

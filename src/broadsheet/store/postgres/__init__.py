"""The store on PostgreSQL (psycopg 3, a connection pool): the system of record for servers.

store = open_store("postgresql://broadsheet@db.example/news")
"""

from __future__ import annotations

from broadsheet.store.postgres.store import PostgresStore, open_postgres

__all__ = ["PostgresStore", "open_postgres"]

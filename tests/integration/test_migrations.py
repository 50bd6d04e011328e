"""The migrations build exactly the schema the code declares, on both databases."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from switchyard.db.schema import metadata


def test_migrations_match_the_declared_tables(database):
    with database.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        diff = compare_metadata(context, metadata)
    assert diff == [], f"tables changed without a migration: {diff}"

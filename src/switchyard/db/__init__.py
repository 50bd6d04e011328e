"""Storage: engine, column types, unit of work and migrations. Contexts declare their own tables."""

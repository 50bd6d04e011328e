from sqlalchemy import JSON, Boolean, Column, Float, Index, Integer, String, Table, Text

from switchyard.db.metadata import metadata
from switchyard.db.types import UTCDateTime

# The restricted-party list as last loaded; a load replaces every row in one transaction.
denied_parties = Table(
    "denied_parties",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("source_id", String(100), nullable=False),  # the list's own id (CSL "_id")
    Column("source", String(300), nullable=False),  # e.g. "Entity List (EL) - Bureau of ..."
    Column("entity_type", String(40), nullable=False),  # Individual | Entity | Vessel | ...
    Column("name", Text, nullable=False),
    Column("alt_names", JSON, nullable=False),
    Column("programs", JSON, nullable=False),
    Column("countries", JSON, nullable=False),  # ISO codes from addresses and nationalities
    Column("addresses", Text, nullable=False),
    Index("ix_denied_parties_source_id", "source", "id"),
)

# Destinations orders may not ship or bill to: "error" rejects, "hold" waits for review.
embargoes = Table(
    "embargoes",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("country_code", String(2), nullable=False, unique=True),
    Column("action", String(8), nullable=False),  # error | hold
    Column("reason", String(500), nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# One row (id "default"): screening settings and what identifies the loaded lists. The
# generations change with every list load / embargo change, so order placement can cache
# the screener and know with one small query whether it is still current.
compliance_state = Table(
    "compliance_state",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("screening_threshold", Float, nullable=False),
    Column("hold_unscreenable_names", Boolean, nullable=False),
    Column("party_list_generation", String(40), nullable=True),
    Column("party_count", Integer, nullable=False),
    Column("party_list_sha256", String(64), nullable=True),
    Column("party_list_loaded_at", UTCDateTime, nullable=True),
    Column("party_list_loaded_by", String(200), nullable=True),
    Column("embargo_generation", String(40), nullable=True),
    Column("version", Integer, nullable=False),  # of the settings
    Column("updated_at", UTCDateTime, nullable=False),
)

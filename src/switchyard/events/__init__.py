"""Events: the append-only log of domain events that is also the transactional outbox."""

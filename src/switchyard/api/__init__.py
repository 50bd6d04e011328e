"""HTTP edge: FastAPI app, problem details, auth, pagination, idempotency, ETags."""

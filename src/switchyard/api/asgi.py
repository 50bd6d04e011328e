"""ASGI entry point for uvicorn: ``uvicorn switchyard.api.asgi:app``."""

from switchyard.api.app import create_app

app = create_app()

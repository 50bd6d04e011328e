"""Command line: ``switchyard --help``."""

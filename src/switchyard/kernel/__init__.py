"""Shared kernel: value types and errors every bounded context uses. No framework imports."""

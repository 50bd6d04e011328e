"""The ops console: server-rendered pages (Jinja2 + htmx) for staff, under /console."""

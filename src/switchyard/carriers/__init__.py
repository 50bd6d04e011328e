"""Carriers context: carrier services, rate tables, transit days, zones, tracking numbers."""

"""Demo data: a realistic small retailer to explore Switchyard with (``switchyard demo``)."""

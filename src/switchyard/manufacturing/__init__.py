"""Make to order: SKUs made at sites from a bill of materials, with lead times and capacity."""

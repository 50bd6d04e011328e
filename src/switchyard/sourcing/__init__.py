"""Sourcing: where each order is fulfilled, at what cost, why, and when it arrives.

Pure domain code (no database, no HTTP). Entry points:

* ``engine.source_order``: one order, by the profile's strategy, with a decision log;
* ``batch.optimise_batch``: many unreleased orders jointly, with a proven gap;
* ``promise.promise_order`` and ``options.promise_options``: delivery and pickup dates;
* ``simulate.simulate``: replay orders against a profile without side effects.
"""

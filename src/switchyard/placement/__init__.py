"""Placement: an order from "placed" to reserved stock, fulfillments and a promise.

``place.place_order`` is the sequence (validate, customer, holds, source and reserve,
record, fulfillments, promise) and the one place to read it. The steps it owns:

* ``stock``: reserve every unallocated unit of some lines under the backorder policies,
  then record what was done (events, one fulfillment per location);
* ``allocation``: ask the sourcing engine and reserve what it chose (retried when the
  stock moved meanwhile; at commit for single orders);
* ``decisions``: read the profile, network and stock, run the engine
  (``switchyard.sourcing``), store the decision with its log;
* ``promising``: each fulfillment's and the order's delivery promise;
* ``resourcing``: units handed back by a location, or waiting for stock that arrived
  elsewhere, sourced again;
* ``handlers``: the in-transaction reactions that trigger promising and resourcing;
* ``in_flight``: what these steps share within one unit of work.

Placement sits above orders, customers, inventory, sourcing and fulfillment: it imports
them, they never import it (``tests/unit/test_import_graph.py``).
"""

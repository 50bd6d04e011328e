"""The customer's tracking page: public, reached by the order's unguessable token."""

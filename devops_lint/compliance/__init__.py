"""Compliance: framework catalogs (``catalog``) and the outcomes of a run (``outcomes``)."""

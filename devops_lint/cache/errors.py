"""Why a value is not stored, and why stored content is not used."""

from __future__ import annotations


class Unfit(Exception):
    """A value the cache cannot hold faithfully: it is computed on every run instead."""


class Invalid(Exception):
    """Cache content that does not have the shape it must have: a miss."""

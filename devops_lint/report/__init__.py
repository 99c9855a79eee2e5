"""Reporters: text for people, JSON for machines, SARIF for code scanning, GitHub annotations."""

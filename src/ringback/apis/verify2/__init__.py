"""Verify v2: /v2/verify, its workflows on the simulated network, templates."""

"""Workflow language 2: roles on moves, guards, timers, service-level targets and diagrams (docs/schemas.md)."""

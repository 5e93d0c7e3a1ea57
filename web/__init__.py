"""Cross-cutting web pieces: home and health pages, security headers, error pages."""

"""Integrations with optional third-party packages; each subpackage imports its package itself."""

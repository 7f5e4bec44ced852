"""Shared parts of the JSON API: bearer-token auth (`auth`) and common fields (`schemas`)."""

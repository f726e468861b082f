"""Editors signed in from the browser: server-side sessions."""

"""Feeds followed: their schedule, validators and health, and the entries seen in them."""

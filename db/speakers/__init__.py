"""Speakers: one record per person or organisation across articles."""

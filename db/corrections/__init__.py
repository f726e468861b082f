"""Editors' corrections (audited, reversible, kept through re-extraction) and readers' flags."""

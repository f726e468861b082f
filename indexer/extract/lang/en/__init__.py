"""English word lists (data modules, as spaCy's lang/en): cues, people, nouns, clauses."""

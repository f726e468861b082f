"""The names of the rules an attribution rests on: a small, stable, documented set.

Every extracted quote records `rule = "<type>_<pattern>:<resolution>"`, for example
`direct_cue_after:pronoun` ('"…," he said.' with "he" resolved to a person) or
`reported_cue_before:name` ('Ms. Marsh said that …'). A confidence calibrator fits one figure
per rule, so the names say both which cue pattern found the quote and how its speaker was
resolved; changing a name means refitting.

type: `direct` (wholly quoted), `mixed` (quoted fragments in reported speech), `reported`.
"""

from __future__ import annotations

# --- cue patterns: where the cue sits and what shape it has -------------------------------
CUE_AFTER = "cue_after"  # the cue follows the content: '"…," she said.' / '…, officials said.'
CUE_BEFORE = "cue_before"  # the cue precedes it: 'She said: "…"' / 'She said that …'
ACCORDING_TO = "according_to"  # 'according to X, …'
PARTICIPLE = "participle"  # '…, saying "…"' / '…, telling them that …': the clause subject
VERB_AFTER = "verb_after"  # '"…," he surmised.': an unlisted verb right after the speaker
DASH = "dash"  # '"…" — Name': a name after a dash that follows the quotation
SUBJECT_VERB = "subject_verb"  # 'Name mocked X for "…"': the subject of any past-tense verb
COLON = "colon"  # 'Name's reply: "…"' / 'Name, Outlet: "…"': a speaker phrase, then a colon
TRANSCRIPT = "transcript"  # 'PENCE: Well, look, …': a name in capitals opening a paragraph

PATTERNS = (
    CUE_AFTER,
    CUE_BEFORE,
    ACCORDING_TO,
    PARTICIPLE,
    VERB_AFTER,
    DASH,
    SUBJECT_VERB,
    COLON,
    TRANSCRIPT,
)

# --- resolution paths: how the mention next to the cue became a speaker --------------------
NAME = "name"  # the mention is a name ("Ms. Marsh", "the Kremlin")
PRONOUN = "pronoun"  # "he"/"she"/"they" resolved to an entity with agreeing gender
ROLE = "role"  # a role noun ("the senator") resolved to a named entity
DESCRIPTION = "description"  # an unnamed source kept as described ("a senior official")
UNRESOLVED = "unresolved"  # a pronoun or role with no compatible antecedent

RESOLUTIONS = (NAME, PRONOUN, ROLE, DESCRIPTION, UNRESOLVED)

TYPES = ("direct", "mixed", "reported")


def rule_name(quote_type: str, pattern: str, resolution: str) -> str:
    """The rule string stored with a quote: '<type>_<pattern>:<resolution>'."""
    kind = "reported" if quote_type == "indirect" else quote_type
    return f"{kind}_{pattern}:{resolution}"


def all_rules() -> list[str]:
    """Every rule name that can occur (for calibration tables and documentation)."""
    return [f"{t}_{p}:{r}" for t in TYPES for p in PATTERNS for r in RESOLUTIONS]

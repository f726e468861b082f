"""Quote verification: did the claimed speaker say the claimed words, and in which words?

The package is pure: text and candidates in, a verdict and word diffs out; no database, no
network. `db.verification.service` (not imported here) retrieves the candidates from the
search index and judges them.
"""

from db.verification.compare import (
    Comparison,
    DiffOp,
    Kind,
    Op,
    allowed_edits,
    compare,
    word_match_ratio,
)
from db.verification.normalise import Words, words
from db.verification.verdict import (
    PARAPHRASE_THRESHOLD,
    Candidate,
    Match,
    Verdict,
    Verification,
    verdict,
)

__all__ = [
    "PARAPHRASE_THRESHOLD",
    "Candidate",
    "Comparison",
    "DiffOp",
    "Kind",
    "Match",
    "Op",
    "Verdict",
    "Verification",
    "Words",
    "allowed_edits",
    "compare",
    "verdict",
    "word_match_ratio",
    "words",
]

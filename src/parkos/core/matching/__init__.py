"""The shared matching engine: texts in Chinese and English ranked against a query, with the
reasons in words. General on purpose (technology transfer and talent both use it); nothing in
it knows about any data set."""

from parkos.core.matching.index import Hit, MatchConfig, MatchIndex, Reason, explain_match
from parkos.core.matching.text import Analyzer, normalise, to_simplified

__all__ = [
    "Analyzer",
    "Hit",
    "MatchConfig",
    "MatchIndex",
    "Reason",
    "explain_match",
    "normalise",
    "to_simplified",
]

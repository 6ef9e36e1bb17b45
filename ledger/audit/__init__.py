"""Audit trails over the ledger: history per filing, tranche or holder; one event in its filing's
text; what a figure is made of; what changed between two dates.

Everything here streams events from the store (``Store.log`` / ``Store.read``) and keeps
state proportional to what it reports, never to the ledger.
"""
from ledger.audit.diff import Diff, IssuerDiff, RowChange, TotalChange, diff
from ledger.audit.explain import FIGURES, Explanation, IssuerExplanation, Item, UnknownFigure, explain
from ledger.audit.history import (
    BadSelector, HistoryRow, Selector, UnknownEvent, event_summary, find_filing, history, visible,
)
from ledger.audit.show import Excerpt, Shown, excerpt, find_event, show

__all__ = [
    "FIGURES", "BadSelector", "Diff", "Excerpt", "Explanation", "HistoryRow", "IssuerDiff", "IssuerExplanation",
    "Item", "RowChange", "Selector", "Shown", "TotalChange", "UnknownEvent", "UnknownFigure", "diff",
    "event_summary", "excerpt", "explain", "find_event", "find_filing", "history", "show", "visible",
]

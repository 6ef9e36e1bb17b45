"""A pattern behind a word test: skip the regular expression when the text lacks every word a match
must contain.

Python's regular expressions cannot skip ahead to a keyword when a pattern starts with ``\\b`` or a
case-insensitive alternation, so each search tries the whole cascade at every position of the
sentence; most sentences then match nothing. ``gated(pattern)`` reads, once, from the pattern's own
parse tree a set of literal strings of which every match must contain one (``needles``), and its
``search``/``match``/``finditer`` return "no match" at once when none of them is a substring of the
folded text (``prefilter.folded``: lower-cased, with the few non-ASCII letters that match an ASCII
one under re.IGNORECASE mapped to it). When one is there, the pattern itself runs, unchanged, so
what a gated pattern finds is exactly what the pattern finds.

Why the needles are necessary, element by element of the parse tree: a run of literal characters
must appear as it is (folded; only ASCII, so that folding maps every character the pattern accepts
to the one it names, which tests/test_gate.py checks over all of Unicode); a group or a repeat of at
least once needs what its content needs; an alternation needs one of what its branches need; a
sequence needs what each of its elements needs (up to three such clauses are kept, all tested). An
element with no word it must hold (a class, an optional part, a look-around, a branch that can be
empty) is passed over, and a pattern with no needles at all is never gated.

``AnyOf(pattern)`` is for a pattern only asked whether it matches: its alternatives (a group of them
spread out, ``P(?:A|B)S`` to ``P(?:A)S`` and ``P(?:B)S``) each run behind their own word test.
tests/test_gate.py checks all of this; bench/check_gates.py runs the same checks over other filings.
"""
from __future__ import annotations

import itertools
import re
import re._constants as C
import re._parser as sre_parse
from typing import Iterator

from ledger.extract.prefilter import folded

_REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT)
_NO_MATCH: tuple = ()


def _letter(op, av) -> str | None:
    """The ASCII character one element stands for, folded, or None."""
    if op is C.LITERAL:
        c = chr(av)
        return c.lower() if c.isascii() else None
    if op is C.IN and av and all(o is C.LITERAL for o, _ in av):
        chars = {chr(v).lower() for _, v in av}      # "[Ww]": both fold to "w"
        if len(chars) == 1:
            c = chars.pop()
            return c if c.isascii() else None
    return None


_KEEP = 3            # clauses kept per element: each one more test, each one more chance to rule out


def _score(clause: frozenset[str]) -> tuple:
    """Longer words are rarer, and fewer of them fail faster."""
    return (min(map(len, clause)), -len(clause))


def _top(clauses) -> list[frozenset[str]]:
    unique = {c for c in clauses if c and all(c)}
    return sorted(unique, key=_score, reverse=True)[:_KEEP]


def _needs(seq) -> list[frozenset[str]]:
    """Clauses every match of the sequence satisfies: for each, one of its strings is in the match."""
    clauses: list[frozenset[str]] = []
    run: list[str] = []

    def close() -> None:
        if run:
            clauses.append(frozenset({"".join(run)}))
            run.clear()

    for op, av in seq:
        c = _letter(op, av)
        if c is not None:
            run.append(c)
            continue
        close()
        if op is C.SUBPATTERN:
            clauses += _needs(av[-1])
        elif op is C.ATOMIC_GROUP:
            clauses += _needs(av)
        elif op in _REPEATS:
            low, _, body = av
            if low >= 1:
                clauses += _needs(body)
        elif op is C.BRANCH:
            clauses += _branch([_needs(b) for b in av[1]])
        # classes, anchors, look-arounds, references: nothing they must hold
    close()
    return _top(clauses)


def _branch(alternatives: list[list[frozenset[str]]]) -> list[frozenset[str]]:
    """A match of an alternation is a match of one branch: a clause of it joins one clause of each
    branch. Every way of choosing is tried when there are few, else each branch's best."""
    if not alternatives or any(not a for a in alternatives):
        return []
    ways = 1
    for a in alternatives:
        ways *= len(a)
    if ways > 256:
        return [frozenset().union(*(a[0] for a in alternatives))]
    return _top(frozenset().union(*pick) for pick in itertools.product(*alternatives))


def needles(pattern: re.Pattern) -> tuple[frozenset[str], ...]:
    """Clauses of the words a match of `pattern` must contain: of each clause, one of its words
    (folded). Empty when the pattern needs no word."""
    tree = sre_parse.parse(pattern.pattern, pattern.flags & ~re.UNICODE)
    # A word that holds another of its clause is there only if that one is: the shorter suffices.
    return tuple(frozenset(w for w in c if not any(v != w and v in w for v in c)) for c in _needs(list(tree)))


_last: tuple[str, str] = ("", "")     # the text folded last, and its folding: one pair, replaced whole


def _fold(text: str) -> str:
    """folded(text), kept for the next gate: a sentence meets many gates in a row."""
    global _last
    last = _last
    if last[0] is text:
        return last[1]
    low = folded(text)
    _last = (text, low)
    return low


class Gated:
    """`pattern`, skipped when the text lacks the words it needs (see the module docstring)."""

    __slots__ = ("pattern", "needles", "_clauses")

    def __init__(self, pattern: re.Pattern):
        self.pattern = pattern
        self.needles = needles(pattern)
        # The shortest words first: a short test costs less.
        self._clauses = tuple(tuple(sorted(c, key=len)) for c in self.needles)

    def admits(self, text: str) -> bool:
        """False only when no match of the pattern can be in `text`."""
        if not self._clauses:
            return True
        low = _fold(text)
        for clause in self._clauses:
            for w in clause:
                if w in low:
                    break
            else:
                return False
        return True

    def search(self, text: str, *args) -> re.Match | None:
        return self.pattern.search(text, *args) if self.admits(text) else None

    def match(self, text: str, *args) -> re.Match | None:
        return self.pattern.match(text, *args) if self.admits(text) else None

    def finditer(self, text: str, *args) -> Iterator[re.Match]:
        return self.pattern.finditer(text, *args) if self.admits(text) else iter(_NO_MATCH)

    def __repr__(self) -> str:
        return f"Gated({self.pattern!r}, needles={[sorted(c) for c in self.needles]})"


def _structure(source: str):
    """(index, character, depth before it) of each ``(``, ``)`` and ``|`` of a pattern's source that
    is syntax: not escaped and not inside a character class."""
    depth, i, in_class = 0, 0, False
    while i < len(source):
        c = source[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            i += 1 if source[i + 1:i + 2] == "^" else 0
            i += 1 if source[i + 1:i + 2] == "]" else 0     # "[]...]": a leading "]" is a member
        elif c in "()|":
            yield i, c, depth
            depth += {"(": 1, ")": -1}.get(c, 0)
        i += 1


def _split(source: str) -> list[str]:
    """The top-level alternatives of a pattern's source."""
    cuts = [i for i, c, depth in _structure(source) if c == "|" and depth == 0]
    return [source[a + 1:b] for a, b in zip([-1, *cuts], [*cuts, len(source)])]


def _alternatives(source: str) -> list[str]:
    """The alternatives, with a group of them written ``P(?:A|B|...)S`` spread out to ``P(?:A)S``,
    ``P(?:B)S``, ... where P is nothing or ``\\b`` and S does not repeat the group."""
    out = []
    for part in _split(source):
        head = "\\b" if part.startswith("\\b(?:") else "" if part.startswith("(?:") else None
        opened = len(head) if head is not None else -1
        closing = [i for i, c, depth in _structure(part) if c == ")" and depth == 1] if head is not None else []
        tail = part[closing[0] + 1:] if closing else ""
        if closing and not tail.startswith(("*", "+", "?", "{")) and len(_split(part[opened + 3:closing[0]])) > 1:
            inner = part[opened + 3:closing[0]]
            out += [f"{head}(?:{alt}){tail}" for alt in _alternatives(inner)]
        else:
            out.append(part)
    return out


class AnyOf:
    """Whether `pattern` matches anywhere in a text, answered alternative by alternative, each
    behind its own word test. A text holds a match of ``A|B`` where it holds one of ``A`` or of
    ``B`` (and one of ``P(?:A|B)S`` where it holds one of ``P(?:A)S`` or ``P(?:B)S``), so
    ``found_in`` is ``bool(pattern.search(text))``; only the alternatives whose words are there run."""

    __slots__ = ("pattern", "parts", "_words", "_by_word", "_always")

    def __init__(self, pattern: re.Pattern):
        self.pattern = pattern
        self.parts = tuple(Gated(re.compile(alt, pattern.flags)) for alt in _alternatives(pattern.pattern))
        # Each part's word test, asked once for all parts: every word any part needs is looked for
        # once in the folded text, and only the parts whose first clause holds a word found are
        # tested further. A part without a word test always runs.
        self._always = tuple(p for p in self.parts if not p._clauses)
        by_word: dict[str, list[int]] = {}
        for i, p in enumerate(self.parts):
            if p._clauses:
                for w in p._clauses[0]:
                    by_word.setdefault(w, []).append(i)
        self._words = tuple(sorted(by_word, key=len))
        self._by_word = {w: tuple(ix) for w, ix in by_word.items()}

    def found_in(self, text: str) -> bool:
        for part in self._always:
            if part.pattern.search(text) is not None:
                return True
        low = _fold(text)
        candidates: set[int] = set()
        for w in self._words:
            if w in low:
                candidates.update(self._by_word[w])
        for i in sorted(candidates):
            part = self.parts[i]
            for clause in part._clauses[1:]:
                for w in clause:
                    if w in low:
                        break
                else:
                    break
            else:
                if part.pattern.search(text) is not None:
                    return True
        return False

    def __repr__(self) -> str:
        return f"AnyOf({self.pattern!r}, {len(self.parts)} alternatives)"


def gated(pattern: re.Pattern) -> Gated:
    return Gated(pattern)


_ESCAPE_KEPT = re.compile(r"\\(?:[xuUN0-9])")      # escapes that may name a letter: not lowered safely


def _lowered_source(source: str) -> str:
    """A pattern's source with its letters lower-cased, except escapes (``\\S``, ``\\W``, ``\\b``...)
    and group names (``(?P<Name>``, ``(?P=Name)``), which keep their meaning."""
    out, i = [], 0
    while i < len(source):
        c = source[i]
        if c == "\\":
            out.append(source[i:i + 2])
            i += 2
            continue
        if source.startswith(("(?P<", "(?P="), i):
            j = source.index(">" if source[i + 3] == "<" else ")", i)
            out.append(source[i:j + 1])
            i = j + 1
            continue
        out.append(c.lower())
        i += 1
    return "".join(out)


class Caseless:
    """A case-insensitive pattern, searched in ASCII text as its lower-cased form in the text
    lower-cased: Python runs an ``re.IGNORECASE`` alternation of words several times slower than
    the same words without the flag. For ASCII text (and an ASCII letter under re.IGNORECASE
    matches only its two cases there) the matches have the same spans; the text of a group is
    lower-cased, so this is only for a pattern whose matched words are not read. Other text
    runs the pattern itself. Either way its word test (``Gated``) comes first. A pattern with a scoped flag (``(?-i:``) or an escape that may name a
    letter is refused when built. tests/test_gate.py and bench/check_gates.py hold each one to its
    pattern."""

    __slots__ = ("pattern", "lowered", "_gate")

    def __init__(self, pattern: re.Pattern):
        source = pattern.pattern
        if not pattern.flags & re.IGNORECASE or "(?-i" in source or "(?i" in source or _ESCAPE_KEPT.search(source):
            raise ValueError(f"Caseless needs a case-insensitive pattern without scoped flags or letter escapes: {source[:60]!r}")
        self.pattern = pattern
        self.lowered = re.compile(_lowered_source(source), pattern.flags & ~re.IGNORECASE)
        self._gate = Gated(pattern)       # and its word test first, as a gated pattern's

    def search(self, text: str, *args) -> re.Match | None:
        if not self._gate.admits(text):
            return None
        if text.isascii():
            return self.lowered.search(_fold(text), *args)
        return self.pattern.search(text, *args)

    def __repr__(self) -> str:
        return f"Caseless({self.pattern!r})"


__all__ = ["AnyOf", "Caseless", "Gated", "gated", "needles"]


GATED_MODULES = ("ledger.extract.frames", "ledger.extract.mentions", "ledger.extract.patterns",
                 "ledger.extract.assembly", "ledger.extract.plausible")


def every_gate() -> list[tuple[str, Gated | AnyOf]]:
    """Every gated pattern of the extractor as (module.name, gate): what tests/test_gate.py and
    bench/check_gates.py hold to their patterns. Imported here, when asked: those modules import this one."""
    import importlib

    out = []
    for name in GATED_MODULES:
        module = importlib.import_module(name)
        out += [(f"{name}.{k}", v) for k, v in vars(module).items() if isinstance(v, (Gated, AnyOf))]
    return out


def every_caseless() -> list[tuple[str, Caseless]]:
    """Every Caseless pattern of the extractor, for tests/test_gate.py and bench/check_gates.py."""
    import importlib

    out = []
    for name in GATED_MODULES:
        module = importlib.import_module(name)
        for k, v in vars(module).items():
            if isinstance(v, Caseless):
                out.append((f"{name}.{k}", v))
            elif isinstance(v, tuple):        # a table of them: ((pattern, role), ...)
                out += [(f"{name}.{k}[{i}]", c) for i, row in enumerate(v)
                        for c in (row if isinstance(row, tuple) else (row,)) if isinstance(c, Caseless)]
    return out

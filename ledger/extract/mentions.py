"""Pass 2, mentions: what one sentence names, each with its span.

Securities (common stock, ordinary shares, ADSs, units, warrants by series, pre-funded warrants,
preferred by series, notes), the count bound to each, money amounts with the role their local
grammar gives them (per share, per unit, exercise, conversion, gross, net, a fee, ...), defined
terms, and dates. Nothing here decides whether a sale happened: frames do that.
"""
from __future__ import annotations

import enum
import functools
import re
from decimal import Decimal

import attrs

from ledger.extract.figures import DateMention, Figure, dates, figures
from ledger.extract.gate import Caseless, gated

Q = r"[\"“”']"


class Kind(enum.Enum):
    COMMON = "common"
    PREFERRED = "preferred"
    WARRANT = "warrant"
    PREFUNDED = "prefunded"
    UNIT = "unit"
    NOTE = "note"
    OPTION = "option"      # stock options, the underwriters' option: never a sale by itself
    RIGHT = "right"


class Role(enum.Enum):
    PER_SHARE = "per share"
    PER_UNIT = "per unit"
    PER_PREFUNDED = "per pre-funded warrant"
    PER_WARRANT = "per warrant"
    COMBINED = "per share and accompanying warrant"
    EXERCISE = "exercise"
    CONVERSION = "conversion"
    STATED_VALUE = "stated value"
    PRINCIPAL = "principal"
    GROSS = "gross"
    NET = "net"
    FEE = "fee"
    PAR = "par value"
    OTHER = "other"


@attrs.frozen
class Security:
    start: int
    end: int
    kind: Kind
    label: str                     # as written, folded: "Common Stock", "Series A Warrants", "Units"
    count: Figure | None = None    # the number of these securities ("1,000,000 Units")
    underlying: Figure | None = None   # what a warrant is for ("to purchase 500,000 shares")
    underlying_fraction: Decimal | None = None   # "to purchase one-half of one share"
    defined: str | None = None     # the defined term given to it: (the "Shares")
    series: str | None = None      # "A" of "Series A ..."
    formula: bool = False          # "a number of shares equal to 6% of ..."
    percent: Decimal | None = None # the 6 of that formula

    @property
    def counted(self) -> Figure | None:
        return self.underlying if self.kind in (Kind.WARRANT, Kind.PREFUNDED) and self.underlying else self.count


@attrs.frozen
class Money:
    figure: Figure
    role: Role

    @property
    def start(self) -> int:
        return self.figure.start

    @property
    def end(self) -> int:
        return self.figure.end

    @property
    def value(self) -> Decimal:
        return self.figure.value


@attrs.frozen
class Mentions:
    text: str
    figures: tuple[Figure, ...]
    securities: tuple[Security, ...]
    money: tuple[Money, ...]
    dates: tuple[DateMention, ...]
    percents: tuple[Figure, ...]


# --- securities ------------------------------------------------------------------------------
_ADJ = (r"(?:(?:newly[- ]issued|newly\s+designated|additional|firm|option|over-?allotment|restricted|unregistered|registered|new|fully[- ]paid|"
        r"non-?assessable|authorized|free[- ]trading|flow[- ]through|its|our|their|such|the|Company['’]s|"
        r"Registrant['’]s|Corporation['’]s|(?:of\s+)?(?:the\s+)?Company['’]s)\s+)*")
_OWNER = r"(?:(?:the\s+)?(?:Company|Registrant|Corporation|Issuer)['’]s\s+|its\s+|our\s+|the\s+)?"
_CLASS = r"(?:Class\s+[A-Z]\s+|Series\s+[A-Z0-9]{1,3}\s+)?"
_SERIES = r"(?:Series|Class|Tranche)\s+(?P<series>[A-Z0-9]{1,3})(?![\w-])"
_WARRANT_HEAD = (r"(?:(?:pre-?funded|prefunded)\s+(?P<pf>)|(?:(?:Series|Class|Tranche)\s+(?P<wseries>[A-Z0-9]{1,3})\s+)|"
                 r"(?:common|stock\s+purchase|share\s+purchase|common\s+share\s+purchase|common\s+stock\s+purchase|investor|"
                 r"placement\s+agent['’]?s?|underwriter['’]?s?|representative['’]?s?|agent['’]?s?|broker(?:['’]s)?|finder['’]?s?|"
                 r"accompanying|associated|closing|adjustable|purchase|compensation|(?-i:[A-Z][a-z]+))\s+){0,3}")
# A noun phrase naming a security, matched where a count ends ("1,000,000 |shares of common stock").
_NOUN = re.compile(
    rf"\s*(?:\(\s*[\"“][^)]{{0,40}}\)\s*)?{_ADJ}"
    rf"(?:(?P<unit>units?)\b"
    rf"|(?P<pfw>(?:pre-?funded|prefunded)\s+(?:common\s+)?(?:stock\s+purchase\s+)?warrants?)\b"
    rf"|(?P<warrant>{_WARRANT_HEAD}warrants?)\b"
    rf"|(?P<pref>(?:shares?\s+of\s+{_OWNER}(?:newly\s+designated\s+)?)?(?:[\d.]+%\s+)?(?:Series\s+(?P<pseries>[A-Z0-9][\w-]{{0,3}})\s+)?(?:[\d.]+%\s+)?"
    rf"(?:(?:Cumulative|Convertible|Redeemable|Participating|Non-Voting|Voting|Senior|Junior|Perpetual|Mandatory)\s+){{0,3}}"
    rf"preferred\s+(?:stock|shares?))\b(?!\s+(?:Purchase|Subscription|Exchange)\s+Agreement)"
    rf"|(?P<ads>American\s+Depositary\s+Shares|ADSs)\b"
    rf"|(?P<common>(?:shares?\s+of\s+{_OWNER}(?:[A-Z][\w.&-]*\s+){{0,3}}?{_CLASS}(?:common\s+stock|common\s+shares|ordinary\s+shares|"
    rf"subordinate\s+voting\s+shares|voting\s+shares|capital\s+stock|stock))"
    rf"|{_CLASS}(?:common|ordinary|subordinate\s+voting|voting)\s+shares?)\b"
    rf"|(?P<defined>(?-i:(?:[A-Z][\w-]*\s+){{1,2}}Shares))\b"
    rf"|(?P<bare>shares?)\b"
    rf"|(?P<option>(?:stock\s+)?options?)\b"
    rf"|(?P<right>rights)\b)",
    re.I)
# A security named without a count: "the Series B Warrants have an exercise price of ...".
_NAMED_SOURCE = (
    rf"(?P<pfw>\b(?i:pre-?funded|prefunded)\s+(?i:common\s+)?(?i:warrants?))\b"
    rf"|(?P<warrant>\b(?:(?:Series|Class|Tranche)\s+(?P<wseries>[A-Z0-9]{{1,3}})\s+|"
    rf"(?:(?!(?:Each|The|Such|These|Those|All|Any|No|Its|Our|Their|Every|Per|A|An)\b)[A-Z][a-z]+(?:['’]s)?\s+)?)(?:[Ww]arrants?))\b"
    rf"|(?P<pref>\b(?:Series\s+(?P<pseries>[A-Z0-9][\w-]{{0,3}})\s+)?(?:(?:Convertible|Redeemable|Cumulative)\s+)*[Pp]referred\s+(?:[Ss]tock|[Ss]hares))\b"
    rf"(?!\s+(?:Purchase|Subscription|Exchange)\s+Agreement)"
    rf"|(?P<unit>\b[Uu]nits)\b"
    rf"|(?P<note>\b(?:[\d.]+%\s+)?(?:(?:Senior|Secured|Unsecured|Subordinated|Original\s+Issue\s+Discount|Amortizing)\s+){{0,3}}"
    rf"[Cc]onvertible\s+(?:(?:Promissory|Senior|Secured|Subordinated)\s+)*(?:[Nn]otes?|[Dd]ebentures?))\b")
# Every match starts with a capital, p, w, u or c, a digit or a point (read off each branch): the
# lookahead turns the other positions away before the branches are tried (tests/test_gate.py).
_NAMED = gated(re.compile(r"(?=[A-Zpwuc\d.])(?:" + _NAMED_SOURCE + ")"))
# What a warrant is for, after the word and an aside: "warrants, which expire in five years, to purchase".
_FOR = re.compile(
    r"(?:[^.;$]{0,160}?)\b(?:to\s+(?:purchase|acquire|buy|subscribe\s+for)|exercisable\s+(?:for|into)|for\s+the\s+purchase\s+of|"
    r"for|cover(?:s|ing)?(?:\s+an?\s+(?:aggregate|total)\s+of)?|entitling\s+the\s+holders?\s+(?:thereof\s+)?to\s+(?:purchase|acquire)|each\s+exercisable\s+(?:for|into)|"
    r"which\s+(?:may\s+be\s+|are\s+)?exercis(?:ed|able)\s+(?:for|into))\s+(?:up\s+to\s+)?(?:an?\s+(?:aggregate|total)\s+of\s+|"
    r"a\s+maximum\s+of\s+|approximately\s+)?", re.I)
_UNDERLYING_NOUN = re.compile(
    r"\s*(?:additional\s+)?(?:shares?|ordinary|common|ADSs?|American\s+Depositary|Common\s+Shares|Warrant\s+Shares|units?)\b"
    r"|\s*of\s+(?:a|one)\s+(?:share|ordinary|common)", re.I)
_FORMULA = re.compile(
    r"\ba\s+number\s+of\s+(?:shares|ordinary\s+shares|common\s+shares|ADSs)(?:[^.;]{0,80}?\bequal\s+to\s+"
    r"(?:(?P<pct>\d+(?:\.\d+)?)\s*%|[^.;]{0,40}?\((?P<pct2>\d+(?:\.\d+)?)\s*%\))?)?", re.I)
_DEFINED_AFTER = re.compile(rf"\s*(?:,\s*)?\((?:collectively,?\s+|each,?\s+|individually,?\s+)?(?:the\s+|a\s+)?{Q}(?P<term>[^\"“”']{{1,50}}){Q}")

# "for each Share together with 5,000 Warrants": asked only whether it matches (Caseless).
_EACH_WITH = Caseless(re.compile(r"\b(?:for\s+each|per\s+(?!share\b)|each)\s+[^.;$]{0,100}?\bwith\b[^.;$]{0,60}$", re.I))
_ROW = re.compile(r"[ \t]*(?:\||:)?[ \t]*")
_ROW_PRICE = re.compile(r"[ \t]*(?:\|[ \t]*)?(?:US)?\$\s?\d")
_YEAR = re.compile(r"(?:19|20)\d\d")


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _security_from(m: re.Match, start: int, end: int, count: Figure | None) -> Security | None:
    g = m.groupdict()
    if g.get("unit") is not None:
        return Security(start, end, Kind.UNIT, "Units", count=count)
    if g.get("pfw") is not None:
        return Security(start, end, Kind.PREFUNDED, "Pre-Funded Warrants", count=count)
    if g.get("warrant") is not None:
        series = g.get("wseries")
        label = _fold(g["warrant"])
        if re.match(r"(?:pre-?funded|prefunded)", label, re.I):
            return Security(start, end, Kind.PREFUNDED, "Pre-Funded Warrants", count=count)
        return Security(start, end, Kind.WARRANT, label, count=count, series=series)
    if g.get("pref") is not None:
        title = re.sub(r"^shares?\s+of\s+(?:(?:the\s+)?(?:Company|Registrant|Corporation|Issuer)['’]s\s+|its\s+|our\s+|the\s+)?"
                       r"(?:newly\s+designated\s+)?", "", _fold(g["pref"]), flags=re.I)
        return Security(start, end, Kind.PREFERRED, title, count=count, series=g.get("pseries"))
    if g.get("ads") is not None:
        return Security(start, end, Kind.COMMON, "American Depositary Shares", count=count)
    if g.get("common") is not None:
        words = _fold(g["common"]).lower()
        cls = re.search(r"class\s+([a-z])\b", words)
        if "ordinary" in words:
            label = "Ordinary Shares"
        elif "subordinate voting" in words:
            label = "Subordinate Voting Shares"
        elif "capital stock" in words:
            label = "Common Stock"
        else:
            label = "Common Stock"
        if cls:
            label = f"Class {cls.group(1).upper()} {label}"
        return Security(start, end, Kind.COMMON, label, count=count)
    if g.get("defined") is not None:
        words = _fold(g["defined"])
        if re.match(r"(?:Preferred|Warrant|Option|Treasury|Escrow|Founder|Sponsor|Restricted)\b", words, re.I):
            return None
        return Security(start, end, Kind.COMMON, "Common Stock", count=count, defined=words)
    if g.get("bare") is not None:
        return Security(start, end, Kind.COMMON, "Common Stock", count=count)
    if g.get("option") is not None:
        return Security(start, end, Kind.OPTION, "Options", count=count)
    if g.get("right") is not None:
        return Security(start, end, Kind.RIGHT, "Rights", count=count)
    return None


def _underlying(text: str, at: int, figs_by_start: dict[int, Figure], consumed: set[int]) -> tuple[Figure | None, Decimal | None, re.Match | None]:
    """What a warrant named at `at` is for: a count of shares, a fraction of a share, or a formula."""
    m = _FOR.match(text, at)
    if not m:
        return None, None, None
    # the aside must not name another counted security: "warrants, and 500,000 shares" is not theirs
    aside = text[at:m.end()]
    if re.search(r"\d[\d,]*\s+(?:shares|units)\b", aside, re.I):
        return None, None, None
    fig = figs_by_start.get(m.end())
    if fig is not None and fig.start in consumed:
        return None, None, None
    if fig is not None and _UNDERLYING_NOUN.match(text, fig.end):
        whole = fig.kind != "fraction" and fig.value == fig.value.to_integral_value() and fig.value >= 1
        return (fig, None, None) if whole else (None, fig.value, None)
    f = _FORMULA.match(text, m.end())
    if f:
        return None, None, f
    return None, None, None


def securities(text: str, figs: tuple[Figure, ...]) -> tuple[Security, ...]:
    out: list[Security] = []
    figs_by_start = {f.start: f for f in figs}
    consumed: set[int] = set()
    for f in figs:
        if f.start in consumed or f.kind != "count" or f.value != f.value.to_integral_value():
            continue
        if _YEAR.fullmatch(text[f.start:f.end]) or (f.value < 10 and f.start < 4 and not f.words) or \
                re.search(r"\d\s*(?:to|-|–|and)\s*$", text[max(0, f.start - 8):f.start]) or \
                _EACH_WITH.search(text[max(0, f.start - 160):f.start]):
            continue       # a year ("a 1995 Warrant"), a paragraph number ("2 The shares"), a range
                           # ("2.6 to 2.8 million"), or what each unit carries ("for each Share together with 5,000 Warrants")
        m = _NOUN.match(text, f.end)
        if not m:
            continue
        sec = _security_from(m, f.start, m.end(), f)
        if sec is None:
            continue
        out.append(_with_terms(text, sec, m, figs_by_start, consumed))
    # Securities named without a count, where no counted mention covers them.
    covered = [(s.start, s.end) for s in out]
    for m in _NAMED.finditer(text):
        if any(a <= m.start() < b for a, b in covered) or text[max(0, m.start() - 1):m.start()] in ("\"", "“", "'", "‘"):
            continue       # inside a counted mention, or a defined term being defined
        g = m.groupdict()
        if g.get("note") is not None:
            sec = Security(m.start(), m.end(), Kind.NOTE, _fold(m.group()))
        elif g.get("pfw") is not None:
            sec = Security(m.start(), m.end(), Kind.PREFUNDED, "Pre-Funded Warrants")
        elif g.get("warrant") is not None:
            sec = Security(m.start(), m.end(), Kind.WARRANT, _fold(m.group()), series=g.get("wseries"))
        elif g.get("pref") is not None:
            sec = Security(m.start(), m.end(), Kind.PREFERRED, _fold(m.group()), series=g.get("pseries"))
        else:
            sec = Security(m.start(), m.end(), Kind.UNIT, "Units")
        sec = _with_terms(text, sec, m, figs_by_start, consumed)
        covered.append((sec.start, sec.end))
        out.append(sec)
    out.sort(key=lambda s: s.start)
    # a counted figure consumed as a warrant's underlying is not a security of its own
    return tuple(s for s in out if not (s.count is not None and s.count.start in consumed and s.kind is Kind.COMMON))


def _with_terms(text: str, sec: Security, m: re.Match, figs_by_start, consumed: set[int]) -> Security:
    if sec.kind in (Kind.WARRANT, Kind.PREFUNDED) and sec.count is not None and sec.count.words and sec.count.value <= 10:
        return sec      # "one warrant to purchase one share": what a unit holds, not a count
    end = m.end()
    d = _DEFINED_AFTER.match(text, end)
    if d:
        sec = attrs.evolve(sec, defined=_fold(d["term"]), end=d.end())
        end = d.end()
    if sec.kind in (Kind.WARRANT, Kind.PREFUNDED) and sec.count is None:
        # a table row: "Series A Warrants 3,000,000 $1.10 five years"
        row = _ROW.match(text, end)
        fig = figs_by_start.get(row.end()) if row else None
        if fig is not None and fig.kind == "count" and fig.start not in consumed and _ROW_PRICE.match(text, fig.end):
            consumed.add(fig.start)
            return attrs.evolve(sec, underlying=fig)
    if sec.kind in (Kind.WARRANT, Kind.PREFUNDED):
        fig, fraction, formula = _underlying(text, end, figs_by_start, consumed)
        if fig is not None and fig.words and fig.value <= 10:
            pass        # "each warrant entitles the holder to purchase one share": a ratio
        elif fig is not None:
            consumed.add(fig.start)
            sec = attrs.evolve(sec, underlying=fig)
        elif fraction is not None:
            sec = attrs.evolve(sec, underlying_fraction=fraction)
        elif formula is not None:
            pct = formula["pct"] or formula["pct2"]
            sec = attrs.evolve(sec, formula=True, percent=Decimal(pct) if pct else None)
    return sec


# --- money and its role -----------------------------------------------------------------------
# Read from the words just before a figure (cut at the previous figure) and just after it.
_TAIL = r"[^$\d;()]{0,30}$"
# Asked only whether they match, so each runs on the lower-cased text (Caseless).
_BEFORE_ROLES: tuple[tuple[Caseless, Role], ...] = tuple((Caseless(re.compile(p + (t if t is not None else _TAIL), re.I)), r) for p, r, t in (
    (r"\b(?:exercise|strike)\s+price", Role.EXERCISE, None),
    (r"\bexercisable\s+(?:at|for\s+cash\s+at)", Role.EXERCISE, None),
    (r"\bconversion\s+price|\bconvertible\b[^$]{0,80}\bat\b|\bconverted\b[^$]{0,60}\bat\b", Role.CONVERSION, None),
    (r"\bstated\s+value", Role.STATED_VALUE, None),
    (r"\bliquidation\s+preference", Role.STATED_VALUE, None),
    (r"\b(?:par|nominal)\s+value\s*(?:of\s+)?(?:per\s+share\s+)?(?:of\s+)?", Role.PAR, r"\s*$"),
    (r"\bprincipal\s+amount", Role.PRINCIPAL, None),
    (r"\bnet\s+proceeds", Role.NET, None),
    (r"\b(?:fees?|commissions?|discounts?|retainer|expenses)\b(?:\s+\w+){0,5}\s+(?:of|equal\s+to|totaling|totalling|in\s+the\s+amount\s+of|was|were|is)", Role.FEE, None),
    (r"\b(?:paid|pay|payable|reimburse)\b[^$]{0,40}\b(?:fee|commission)s?\b[^$]{0,20}", Role.FEE, None),
    (r"\b(?:fee|commission|discount)s?\b[^$;]{0,60}\bor\s*", Role.FEE, r"$"),
    (r"\bper\s+(?:pre-?funded|prefunded)\s+warrant\b[^$]{0,20}", Role.PER_PREFUNDED, None),
    (r"\b(?:unit\s+price|price\s+per\s+unit|per\s+unit\s+price)", Role.PER_UNIT, None),
    (r"\b(?:combined\s+(?:public\s+)?(?:offering|purchase)\s+price)", Role.COMBINED, None),
    (r"\bprice\s+per\s+(?:share|common\s+share|ordinary\s+share|ADS)", Role.PER_SHARE, None),
    (r"\b(?:gross\s+proceeds|aggregate\s+(?:gross\s+)?(?:proceeds|purchase\s+price|consideration|offering\s+(?:price|amount)|"
     r"subscription\s+(?:price|amount)|investment|amount)|total\s+(?:gross\s+)?(?:proceeds|consideration|purchase\s+price|"
     r"investment)|proceeds\s+of|raise[sd]?|raising|for\s+(?:total\s+|aggregate\s+)?(?:cash\s+)?consideration\s+of|"
     r"subscription\s+amount|purchase\s+price\s+of|investment\s+of|financing\s+of|placement\s+of|offering\s+of|"
     r"in\s+exchange\s+for|for\s+an\s+aggregate\s+of|for\s+a\s+total\s+of|for\s+(?:aggregate\s+)?(?:additional\s+)?(?:cash\s+)?consideration\s+of|for\s+total\s+of|in\s+the\s+amount\s+of|totall?ing|"
     r"valued\s+at|worth)", Role.GROSS, None),
))
_AFTER_ROLES: tuple[tuple[Caseless, Role], ...] = tuple((Caseless(re.compile(r"^\s*" + p, re.I)), r) for p, r in (
    (r"(?:per|for\s+each|a|/)\s*(?:pre-?funded|prefunded)\s+warrant", Role.PER_PREFUNDED),
    (r"(?:per\s+share\s+)?(?:par|nominal)\s+value", Role.PAR),
    (r"(?:per|for\s+each)\s+(?:share|common\s+share|ordinary\s+share|ADS|Share|Common\s+Share)\s+(?:of\s+common\s+stock\s+)?"
     r"(?:and|plus)\s+(?:one|a|an|the|one-half|accompanying|associated|related)", Role.COMBINED),
    (r"(?:per|for\s+each|a|/)\s*(?:unit|Unit)\b", Role.PER_UNIT),
    (r"(?:per|for\s+each)\s+(?:warrant|Warrant)\b(?!\s+[Ss]hares?)", Role.PER_WARRANT),
    (r"(?:per\s+share\s+)?(?:exercise|strike)\s+price", Role.EXERCISE),
    (r"(?:in\s+)?(?:aggregate\s+)?principal\s+amount", Role.PRINCIPAL),
    (r"(?:per\s+share\s+)?stated\s+value", Role.STATED_VALUE),
    (r"(?:in\s+)?net\s+proceeds", Role.NET),
    (r"(?:in\s+)?(?:cash\s+)?(?:fees?|commissions?)\b", Role.FEE),
    (r"(?:per|a|for\s+each|/)\s*(?:share|common\s+share|ordinary\s+share|ADS|American\s+Depositary\s+Share|Share|"
     r"Common\s+Share|Ordinary\s+Share|[A-Z][\w-]*\s+Share)\b", Role.PER_SHARE),
    (r"(?:from|through|in)\s+(?:the\s+)?(?:sale|issuance|private\s+placement|offering|subscription)\s+of\b", Role.GROSS),
    (r"(?:in\s+)?(?:gross\s+proceeds|(?:in\s+)?aggregate\s+(?:gross\s+)?proceeds|in\s+the\s+aggregate|in\s+aggregate|"
     r"(?:in\s+)?(?:total\s+)?(?:gross\s+)?(?:proceeds|financing|investment|offering|private\s+placement|placement|"
     r"registered\s+direct|public\s+offering|raise|capital\s+raise|equity\s+financing|underwritten))\b", Role.GROSS),
))
_EXERCISE_BEFORE = Caseless(re.compile(r"\b(?:exercise|strike)\s+price\b[^$]{0,40}$", re.I))
_AT_PRICE = Caseless(re.compile(r"\b(?:at|@)\s+(?:a\s+(?:purchase\s+|offering\s+|issue\s+|subscription\s+)?price\s+of\s+)?(?:approximately\s+)?$"
                       r"|\b(?:purchase|offering|issue|subscription|sale|public\s+offering|placement|deemed)\s+price\s+"
                       r"(?:to\s+the\s+public\s+)?(?:of|equal\s+to|is|was|will\s+be)?\s*$|\bpriced\s+at\s*$", re.I))


_OR_FEE = gated(re.compile(r"\b(?:fee|commission|discount)s?\b[^$;]{0,60}\bor\s*$", re.I))   # "a fee of 8.0% of the gross proceeds, or $800,000"


def money_role(text: str, fig: Figure, previous_end: int) -> Role:
    if _OR_FEE.search(text, max(0, fig.start - 100), fig.start):
        return Role.FEE
    before = text[max(previous_end, fig.start - 90):fig.start]
    before = before.split(";")[-1]
    after = text[fig.end:fig.end + 70]
    for pattern, role in _BEFORE_ROLES[:10]:      # the grammar of a named price outranks "per share"
        if pattern.search(before):
            return role
    for pattern, role in _AFTER_ROLES:
        if pattern.search(after):      # each starts with "^": a match at the start
            if role is Role.PER_SHARE and _EXERCISE_BEFORE.search(before):
                return Role.EXERCISE
            return role
    for pattern, role in _BEFORE_ROLES[10:]:
        if pattern.search(before):
            return role
    if _AT_PRICE.search(before):
        return Role.PER_SHARE
    return Role.OTHER


@functools.lru_cache(maxsize=4096)
def read(text: str) -> Mentions:
    figs = tuple(figures(text))
    money: list[Money] = []
    previous = 0
    for f in figs:
        if f.kind == "money":
            money.append(Money(f, money_role(text, f, previous)))
        previous = f.end
    return Mentions(text=text, figures=figs, securities=securities(text, figs), money=tuple(money),
                    dates=tuple(dates(text)), percents=tuple(f for f in figs if f.kind == "percent"))


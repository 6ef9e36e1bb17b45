"""Pass 3, frames: within one sentence, mentions bound into facts.

A sale (shares, preferred or units sold or issued, with the price and amount stated beside them),
a grant (warrants, with their count, exercise price and term), a unit makeup, a fee, and the
statements that qualify a security told elsewhere (a price, an exercise price, a term, gross
proceeds, a closing date, an over-allotment option). Whether a count is a sale is read from the
clause it sits in, not the whole sentence: "issued N shares in exchange for all of the outstanding
shares of the target" is an issuance, "N shares issuable upon exercise" is not.
"""
from __future__ import annotations

import functools
import re
from datetime import date
from decimal import Decimal

import attrs

from ledger.extract import patterns as P
from ledger.extract.gate import AnyOf, Caseless, gated
from ledger.extract.values import parse_date, word_number
from ledger.extract.mentions import Kind, Mentions, Money, Role, Security
from ledger.text.normalise import Sentence

# --- the verbs of a sale, and the contexts in which a count is not one -----------------------
# (Not gated: nearly every sentence read here has one of their words, and the test costs more than it saves.
# Caseless: asked only whether they match, so they run on the lower-cased text, without re.I.)
SALE_VERB = Caseless(re.compile(
    r"\b(?:sold|sell|sells|selling|sale|offer|offers|issued|issue|issues|issuing|issuance|placed|placement|offering|offered|priced|"
    r"pricing|purchased|purchase|subscribed|subscription|subscriptions|closed|closing|closes|completed|completes|complete|"
    r"consummated|raised|raise|bought|financing|acquired|received|receive|invest|invested|investing|investment|"
    r"agreed\s+to|entered\s+into|delivered|allotted|allocated|distributed|granted|grant|exchange[ds]?)\b", re.I))
# Words just before a count (in its clause) that make it something other than securities sold now.
NOT_SOLD_BEFORE = Caseless(re.compile(
    r"(?:\b(?:upon|on|following|after)\s+(?:the\s+)?(?:full\s+)?(?:exercise|conversion|vesting|settlement)|\bissuable|\bunderlying|"
    r"\breserved|\bauthori[sz]ed|\boutstanding|\boption\s+to\s+(?:purchase|buy|acquire)|\bover-?allotment|"
    r"\boption,?\s+(?:for\s+a\s+period\s+of|exercisable\s+(?:for|within)|within)\s+[\w()-]+(?:\s*\(\d+\))?\s+days,?\s+to\s+(?:purchase|buy|acquire)|"
    r"\badditional\s+option|\bexercisable\s+(?:for|into)|\bconvertible\s+into|\bconverted\s+into|\bconvert\s+into|"
    r"\bexercise\s+of|\bconversion\s+of|\bmore\s+than|\bless\s+than|\bexceed\w*|\bat\s+least|\bminimum\s+of|"
    r"\bsecondary\s+(?:public\s+)?offering\b[^.;$]{0,150}|\bselling\s+(?:stock|share|security)holders?\b[^.;$]{0,30}|\bheld\s+by|\bholds?|\bholding|\bowns?|\bowned|\bbeneficial\w*|"
    r"\bof\s+which|\bwhich\s+includes?|\bincluding|\bincludes|\binclusive\s+of|\bcomprised\s+of\s+the|"
    r"\bpreviously\s+(?:issued|sold|purchased|acquired)|\bhad\s+(?:previously\s+)?(?:sold|issued)|\bregistered\s+for\s+resale|"
    r"\bresale\s+of|\bremaining|\bup\s+to\s+an\s+additional|\bwould\s+(?:receive|be\s+entitled)|\bequal\s+to|\brepresenting|"
    r"\brepurchase\w*|\bbuy\s*back|\bredeem\w*|\bcancel\w*|\bforfeit\w*|\btransfer\w*\s+of|\breverse\s+(?:stock\s+)?split|"
    r"\bsplit|\bconsolidation|\bescrow|\bvest\w*|\baward\w*|\bgrant\s+of\s+options|\bof\s+the\s+[\d,]+|"
    r"\b(?:has|have)\s+been\s+allocated|\bshare\s+capital\b[^.;$]{0,80}|\bincrease\w*\b[^.;$]{0,60}\b(?:from|to)|"
    r"\b(?:the\s+Company|we|the\s+Corporation|the\s+Registrant)\s+(?:has\s+|had\s+)?(?:re)?purchased\b[^.;$]{0,20}|\brepurchas\w+|"
    r"\bbought\s+back|\bpurchased\s+for\s+cancellation|"
    r"\btotal\s+(?:number\s+of\s+)?(?:shares\s+)?outstanding|\b(?:become|becomes|adjusted\s+to|adjustment\w*)|"
    r"\b(?:insiders?|directors?|officers?|management|related\s+part(?:y|ies))\b[^.;$]{0,60}\b(?:subscribed|purchased|acquired|participated)\b[^.;$]{0,20})"
    r"[^.;$]{0,25}$", re.I))
PARTS = re.compile(r"\b(?:consisting\s+of|comprising|comprised\s+of|including|which\s+includes?|includes|of\s+which)\b", re.I)
SECONDARY_WORDS = re.compile(r"\bselling\s+(?:stock|share|security)holders?|\bexisting\s+(?:stock|share)holders|\bsecondary\b", re.I)
TABLE_ROW = re.compile(r"\s*(?:[A-Z][\w-]*\s+){0,3}[Ww]arrants?\s*\|?\s*[\d,]+\s*\|?\s*(?:US)?\$\s?[\d.]+")
OTHER_COMPANY = re.compile(
    r"\s+of\s+(?!(?:the\s+)?(?:Company|Registrant|Corporation|Issuer)\b|its\b|our\b)(?:[A-Z][\w&-]*\.?,?\s+){1,6}"
    r"(?:that|which)\s+(?:it|the\s+Company|we)\s+(?:held|owned|holds|owns)", re.I)
DONE = re.compile(r"\b(?:issued|sold|closed|completed|purchased|subscribed|placed|allotted|delivered|received|acquired|"
                  r"bought|consummated|exchanged|converted)\b", re.I)
ADS_RATIO = re.compile(r"[^.;]{0,60}?\beach\s+(?:ADS\s+)?represent(?:s|ing)\s+(?P<n>\w+(?:-\w+)?|[\d,]+)(?:\s*\(\d+\))?\s+ordinary\s+shares?", re.I)
NAMED_NUMBER = re.compile(r"\b(?:Tranche|Series|Class|No\.|Number|Phase|Item|Section|Rule)\s*$")   # "Tranche 2 Shares"
NOT_SOLD_AFTER = re.compile(
    r"[^.;]{0,90}?\b(?:(?:that|which)\s+it\s+(?:held|owned)|(?:offered|sold|issued)\s+by\s+(?:the\s+|certain\s+(?:of\s+)?)?(?:[\w'’]+\s+){0,2}?(?:selling|existing)\s+|"
    r"outstanding\b(?!\s+(?:loans?|debt|indebtedness|notes?|principal|balances?|amounts?|obligations?|invoices?|fees|interest|accounts|payables?|liabilit\w+|advances?))|(?:deposited|held|placed)\s+(?:with|in|into)\s+(?:an\s+|the\s+)?escrow|(?:issuable|reserved|underlying)\b|held\s+by|owned\s+by|"
    r"(?:to\s+be\s+)?(?:offered|sold)\s+by\s+(?:the\s+|certain\s+)?(?:selling|existing)|by\s+(?:the\s+|certain\s+)?selling\s+"
    r"(?:stock|share)holders|previously\s+(?:issued|sold|registered)|(?:were\s+|are\s+)?placed\s+in\s+escrow|issued\s+and\s+outstanding)",
    re.I)
SELLING = re.compile(r"[^.;]{0,50}?\b(?:by\s+(?:the\s+|certain\s+(?:of\s+)?)?(?:[\w'’]+\s+){0,2}?(?:selling|existing)\s+(?:stock|share|security)holders)", re.I)
# Whole sentences that recap, plan or describe, and state no sale of this filing.
REPORTED_BEFORE = gated(re.compile(
    r"\bas\s+(?:previously\s+)?(?:reported|disclosed|described)\s+(?:in|on)\s+(?:the\s+|its\s+|our\s+)?(?:Company['’]s\s+)?"
    r"(?:Current\s+Report|Form\s+8-K|Quarterly\s+Report|Annual\s+Report|Form\s+10-[QK]|prior|previous|earlier)", re.I))
# Asked only whether it matches: each alternative runs behind its own word test.
RECAP = AnyOf(re.compile(
    r"^(?:/\d+/\s*|\(\d+\)\s*)?(?:Does|Do)\s+not\s+include|\bReference\s+is\s+made\s+to\b|"
    r"\bamend\w*\s+(?:of\s+)?(?:the\s+)?(?:exercise\s*(?:price|term)|expiry|expiration)|"
    r"\bamend\w*\s+(?:of\s+)?(?:the\s+)?terms?\s+of\s+(?:the\s+|its\s+|certain\s+)?(?:outstanding\s+|existing\s+)?(?:\w+\s+){0,3}?(?:warrants|options|notes|debentures)\b|\bproportional(?:ly)?\s+adjust|\b(?:may\s+(?:from\s+time\s+to\s+time\s+)?(?:offer|issue|sell)|from\s+time\s+to\s+time|at[- ]the[- ]market|shelf\s+registration|"
    r"registration\s+statement\s+(?:on\s+Form\s+\S+\s+)?(?:was|has\s+been|is)\s+(?:filed|declared)|as\s+previously\s+(?:reported|disclosed)|"
    r"stock\s+option|option\s+grants?|options\s+to\s+purchase|restricted\s+stock\s+units?|RSUs?|inducement\s+(?:grants?|awards?)|"
    r"equity\s+incentive\s+plan|rights\s+(?:plan|agreement)|shareholder\s+rights|poison\s+pill|reverse\s+(?:stock\s+)?split|"
    r"stock\s+split|share\s+consolidation|(?:normal\s+course\s+issuer\s+bid|repurchase\s+program|buy-?back)|"
    r"authori[sz]ed\s+(?:capital|share\s+capital)|capitali[sz]ation\s+table|pro\s+forma|"
    r"there\s+(?:were|are)\s+[\d,]+\s+shares|shares\s+(?:issued\s+and\s+)?outstanding\s+(?:as\s+of|at|after|following)|"
    r"(?:will|would)\s+have\s+[\d,.]+\s+(?:million\s+)?shares\s+outstanding|for\s+the\s+(?:three|six|nine|twelve)\s+months\s+ended|"
    r"(?:during|in)\s+(?:fiscal|the\s+(?:fiscal\s+)?(?:year|quarter))\s)", re.I))
# A recap that says the deal closed or sold still reports it.
_DONE_NOW = gated(re.compile(r"\b(?:closed|closing|priced|pricing|completed|sold)\b", re.I))
# A sale for something other than cash.
ACQUISITION = AnyOf(re.compile(
    r"\b(?:acquisition|acquire[sd]?|acquiring|merger|merge[sd]?|purchase\s+of\s+(?:all|substantially\s+all)|business\s+combination|"
    r"share\s+exchange\s+agreement|in\s+exchange\s+for\s+all|contribution\s+agreement|contributed|as\s+(?:purchase\s+|merger\s+)?consideration\s+for\s+the\s+"
    r"(?:acquisition|purchase|assets|business))\b", re.I))
EXCHANGE = gated(re.compile(
    r"\b(?:in\s+(?:exchange|satisfaction|settlement|consideration)\s+(?:for|of)\s+(?:the\s+|an?\s+)?(?:cancellation\s+of\s+|"
    r"settlement\s+of\s+|conversion\s+of\s+|extinguishment\s+of\s+|repayment\s+of\s+)?(?:\$[\d,.]+\s+(?:million\s+)?(?:of|in)\s+)?"
    r"(?:outstanding\s+|certain\s+|accrued\s+|its\s+|the\s+)*(?:debt|indebtedness|loans?|notes?|debentures?|principal|interest|"
    r"amounts?\s+(?:owed|due|owing)|accounts\s+payable|liabilit(?:y|ies)|obligations?|claims?|payables?|salary|fees\s+owed|wages)|"
    r"shares[- ]for[- ]debt|debt\s+(?:settlement|conversion|exchange)|settle(?:ment\s+of)?\s+(?:outstanding\s+)?(?:debt|indebtedness|"
    r"amounts?\s+owed)|exchange\s+agreements?\s+with\s+(?:certain\s+)?(?:holders|noteholders|lenders)|recapitali[sz]ation|"
    r"deemed\s+price)\b", re.I))
# "for services", "in exchange for laboratory services", "as compensation for consulting and advisory
# services": up to three lower-case words between (a company named "... Services, Inc." is no service).
SERVICES = gated(re.compile(
    r"\b(?:for|in\s+consideration\s+(?:of|for)|as\s+compensation\s+for|in\s+exchange\s+for)\s+"
    r"(?:(?:its|their|certain|the)\s+)?(?-i:(?:[a-z][\w-]*,?\s+(?:and\s+)?){0,3})services\b|\bfinder['’]?s?\s+fee\s+shares\b", re.I))
CASH_WORDS = gated(re.compile(
    r"\b(?:private\s+placement|public\s+offering|registered\s+direct|offering|financing|subscription|proceeds|cash|"
    r"purchase\s+price|per\s+share|per\s+unit|investors?|purchasers?|underwrit\w+|placement\s+agent|PIPE)\b", re.I))
OVER_ALLOTMENT = gated(re.compile(
    r"\b(?:over-?allotment|option\s+to\s+purchase\s+(?:up\s+to\s+)?(?:an\s+)?additional|additional\s+option|green\s*shoe|"
    r"(?:\d+|thirty|forty-five|fifteen)[- ]day\s+option|"
    # "an option for a period of 30 days to purchase up to 1,023,000 additional shares"
    r"option,?\s+(?:for\s+a\s+period\s+of|exercisable\s+(?:for|within)(?:\s+a\s+period\s+of)?|within)\s+"
    r"(?:\d+|thirty|forty-five|fifteen)(?:\s*\(\d+\))?\s+days|"
    r"option\s+to\s+purchase\s+up\s+to\s+[\d,]+\s+additional)\b", re.I))
OPTION_EXERCISED = gated(re.compile(
    r"\b(?:exercised?\s+(?:in\s+full|in\s+part|partially|their|its|the)|full\s+exercise|partial\s+exercise|exercise\s+in\s+full|"
    r"(?:including|includes|which\s+includes?)\s+[^.;]{0,60}(?:over-?allotment|option))", re.I))
EXPIRES_ON = re.compile(r"\b(?:expir\w*|terminat\w*)\s+(?:on\s+|at\s+[^.;]{0,30}?\bon\s+)?$|\b(?:through|until)\s+(?:and\s+including\s+)?$", re.I)
CLOSING_DATE = re.compile(
    r"\b(?:clos(?:ed|ing|e)|settle(?:d|ment)?|complet(?:ed|ion)|consummat(?:ed|ion)|delivered|issued|funded|effective)\b"
    r"(?:(?!\bexpir|\bterminat|\buntil\b|\bthrough\b|\bmatur)[^.;]){0,80}?\b(?:on|or\s+about|as\s+of|effective)\s+$", re.I)
EXPECTED = gated(re.compile(r"\bexpected\s+to\s+(?:close|settle|occur)|\banticipated\s+to\s+close|\bwill\s+close|\bis\s+scheduled\s+to\s+close", re.I))
FEE_WORDS = AnyOf(re.compile(
    r"\b(?:finder['’]?s?\s+fees?|placement\s+(?:agent\s+)?fees?|placement\s+agent|underwriting\s+(?:discounts?|fees?|commissions?)|"
    r"commissions?|due\s+diligence\s+fee|advisory\s+fees?|cash\s+fee|fees\s+and\s+expenses|finder|broker\s+warrants|"
    r"agent['’]?s?\s+warrants|compensation\s+warrants|(?:underwriter|representative|placement\s+agent)['’]?s?\s+warrants|"
    r"(?:a|the)\s+fee\s+(?:of|equal\s+to))\b", re.I))
AGENT_ROLE = (
    (re.compile(r"finder", re.I), "finder"),
    (re.compile(r"placement|agent|broker", re.I), "placement_agent"),
    (re.compile(r"underwrit|representative|book-?runn", re.I), "underwriter"),
    (re.compile(r"advis|due\s+diligence", re.I), "advisor"),
)

# Asked only whether they match, in the hot loops of a sentence: run on the lower-cased text (Caseless).
_FEE_VERB = Caseless(re.compile(r"\b(?:paid|pay|pays|payable|agreed\s+to\s+pay|receive[sd]?|issued|earned|entitled|compensat\w+|granted)\b", re.I))
_RECAP_VERB = Caseless(re.compile(r"\bpreviously\s+(?:issued|sold)|\bhad\s+(?:previously\s+)?(?:issued|sold)\b", re.I))
_ADDITIONAL_BEFORE = Caseless(re.compile(r"\b(?:an\s+)?additional\s*$", re.I))
_PRICE_IF = Caseless(re.compile(r"\b(?:if|unless|reduced\s+to|adjusted\s+to|reset\s+to|amended\s+to|lowered\s+to)\b[^.;]{0,60}$", re.I))
_GROSS_IF_BEFORE = Caseless(re.compile(r"\b(?:up\s+to|maximum|would|could|if\s+(?:fully|all|the\s+warrants))\b[^.;]{0,40}$", re.I))
_GROSS_UPON_AFTER = Caseless(re.compile(r"^[^.;]{0,60}\b(?:upon|if)\s+(?:the\s+)?(?:full\s+)?(?:exercise|cash\s+exercise)", re.I))
_WARRANT_WORD = Caseless(re.compile(r"\bwarrants?\b", re.I))
_AGREEMENT_SIGNED = Caseless(re.compile(r"\b(?:entered\s+into|signed|executed)\b[^.;]{0,120}\bagreements?\b", re.I))
_FEE_UNSETTLED = Caseless(re.compile(r"\bany\s+increase\s+in\s+the\s+compensation|\bshall\s+(?:not\s+)?(?:pay|be\s+paid)", re.I))

@attrs.frozen
class Sale:
    """Securities (common, preferred or units) sold or issued, as one sentence states them."""

    sentence: Sentence
    security: Security
    count: int | None
    approximate: bool
    up_to: bool
    price: Money | None            # per share / per unit / combined, from the same clause
    consideration: Money | None    # the gross amount the clause or sentence states
    consideration_kind: str        # cash, acquisition, exchange, services, not_stated
    date: date | None              # a date the sentence gives the sale itself
    expected: bool                 # "expected to close"
    additional: bool               # "an additional 500,000 shares": a later closing
    option_shares: bool            # the over-allotment's shares, told as such
    named_buyer: str | None
    order: int


@attrs.frozen
class Grant:
    """Warrants (or pre-funded warrants) granted or sold, as one sentence states them."""

    sentence: Sentence
    security: Security
    shares: int | None
    approximate: bool
    exercise: Money | None
    purchase: Money | None          # what a pre-funded warrant is sold for
    term_years: Decimal | None
    term_offset_months: int | None
    expires: date | None
    fee_role: str | None            # the warrants are a fee to a placement agent, underwriter, finder
    date: date | None
    order: int


@attrs.frozen
class Makeup:
    """"Each Unit consists of one share and one-half of one warrant to purchase one share"."""

    sentence: Sentence
    shares: Decimal
    warrants: Decimal                # warrant shares per unit
    whole: bool                      # whole warrants in a unit ("a warrant to purchase one-half of one share"),
                                     # not a fraction of one ("one-half of one warrant"): only then is the count known
    label: str
    exercise: Money | None
    term_years: Decimal | None
    order: int
    expires: date | None = None


@attrs.frozen
class Statement:
    """A figure that qualifies a security told elsewhere. ``what``: price, exercise, term, gross, net,
    closing, agreement, option (over-allotment shares)."""

    sentence: Sentence
    what: str
    value: object
    kind: Kind | None = None        # the security it speaks of, when it names one
    label: str | None = None
    approximate: bool = False
    order: int = 0


@attrs.frozen
class Fee:
    sentence: Sentence
    role: str
    payee_text: str
    cash: Money | None
    percent: Decimal | None
    warrants: bool
    warrant_shares: int | None
    warrant_percent: Decimal | None
    order: int


Frame = Sale | Grant | Makeup | Statement | Fee


def _clause_start(text: str, at: int, floor: int = 0) -> int:
    """Where the clause holding `at` begins: after the last ';' or ':' (or the floor)."""
    return max(text.rfind(";", floor, at), text.rfind(":", floor, at), floor - 1) + 1


def _term(text: str, head: str = "") -> tuple[Decimal | None, int | None]:
    """A warrant's term in years ("five-year warrants", "for a period of 5 years", "expire 18 months
    after issuance") and the months before it starts ("commencing six months after issuance")."""
    m = P.TERM_BEFORE.search(head)
    if m:
        n = word_number(m["n"])
        if n is not None:
            return Decimal(n) + (Decimal("0.5") if m["half"] else 0), _term_offset(text)
    m = _term_match(text)
    if m:
        raw, half, unit = (m["n"], m["half"], m["unit"]) if m["n"] else (m["n2"], m["half2"], m["unit2"])
        n = word_number(raw) if not re.fullmatch(r"\d+\.\d+", raw) else None
        value = Decimal(raw) if n is None and re.fullmatch(r"\d+(?:\.\d+)?", raw) else (Decimal(n) if n is not None else None)
        if value is not None:
            if half:
                value += Decimal("0.5")
            if unit.lower().startswith("month"):
                value = (value / 12).quantize(Decimal("0.0001")).normalize()
            return value, _term_offset(text)
    return None, None


@functools.lru_cache(maxsize=256)       # _term and _term_offset ask it of the same text
def _term_match(text: str) -> re.Match | None:
    """The first statement of how long a warrant lasts, not of when it starts."""
    starts = P.TERM_STARTS.search(text)
    for m in P.TERM_AFTER.finditer(text):
        if not (starts and m.start() < starts.end() and starts.start() < m.end()):
            return m
    return None


def _term_offset(text: str) -> int | None:
    m = P.TERM_STARTS.search(text)
    if not m or (n := word_number(m["n"])) is None:
        return None
    term = _term_match(text)
    if term and (term["n2"] or P.FROM_ISSUE.match(text, term.end())):
        return None
    return n * 12 if m["unit"].lower().startswith("year") else n


def _sentence_date(text: str, m: Mentions) -> tuple[date | None, bool]:
    """The date a sentence gives its own event ("On May 3, 2024, the Company sold ...", "closed on
    May 3, 2024"), and whether it is expected rather than done."""
    expected = bool(EXPECTED.search(text))
    for d in m.dates:
        before = text[max(0, d.start - 100):d.start]
        if CLOSING_DATE.search(before):
            return d.value, expected
    for d in m.dates:
        before = text[max(0, d.start - 25):d.start]
        if re.search(r"\b(?:expir\w*|terminat\w*|matur\w*|until|through|due|dated|before|after|by)\s+(?:on\s+)?$", before, re.I):
            continue
        if d.start == 0 or re.search(r"\b(?:On|on|Effective|effective|As\s+of|as\s+of)\s+(?:or\s+about\s+)?$", before):
            return d.value, expected
    return None, expected


def _kind_of_consideration(text: str, has_money: bool) -> str:
    if EXCHANGE.search(text):
        return "exchange"
    if SERVICES.search(text):
        return "services"
    if ACQUISITION.found_in(text) and not re.search(r"\b(?:private\s+placement|public\s+offering|registered\s+direct|gross\s+proceeds|"
                                                   r"per\s+share\s+in\s+cash|cash\s+purchase\s+price)\b", text, re.I):
        return "acquisition"
    if has_money or CASH_WORDS.search(text):
        return "cash"
    return "not_stated"


def _is_sale(text: str, sec: Security, floor: int, hi: int | None = None) -> bool:
    hi = len(text) if hi is None else hi
    lo = _clause_start(text, sec.start, floor)
    before = text[lo:sec.start]
    if NOT_SOLD_BEFORE.search(text[max(lo, sec.start - 120):sec.start]) or NAMED_NUMBER.search(text, max(0, sec.start - 12), sec.start):
        return False
    if re.search(r"\b(?:from|to)\s+$", text[max(0, sec.start - 6):sec.start]) and re.search(r"\b(?:increase|decrease|rise|grow)\w*\b", text, re.I):
        return False     # "will increase from 62,154,827 shares to 67,637,283 shares": totals before and after
    if NOT_SOLD_AFTER.match(text, sec.end, hi) or OTHER_COMPANY.match(text, sec.end):
        return False
    if sec.count is not None and text.count("“", lo, sec.start) > text.count("”", lo, sec.start):
        return False     # inside a defined term being named: (the "Tranche 2 Shares")
    # an issuing verb in the clause, or in the sentence before it (lists: "... sold (i) N shares and (ii) ...")
    if SALE_VERB.search(before) or SALE_VERB.search(text[:sec.start]) or SALE_VERB.search(text[sec.end:sec.end + 80]):
        return True
    # "The Series B Warrants, which ..., entitle the holders to purchase 2,500,000 shares": warrants
    # described by what they cover
    return sec.kind in (Kind.WARRANT, Kind.PREFUNDED) and bool(
        SALE_VERB.search(text) or re.match(r"(?:The|Each|These|Such|All)\s+[^.;]{0,40}?\b[Ww]arrants?\b", text)
        or TABLE_ROW.match(text))


def _money_in(m: Mentions, lo: int, hi: int, *roles: Role) -> Money | None:
    for x in m.money:
        if lo <= x.start < hi and x.role in roles:
            return x
    return None


def _exercise_reading(text: str, m: Mentions, lo: int, hi: int) -> Money | None:
    """A warrant's exercise price: named as one, or "to purchase ... at $X per share"."""
    x = _money_in(m, lo, hi, Role.EXERCISE)
    if x:
        return x
    for y in m.money:
        if lo <= y.start < hi and y.role is Role.PER_SHARE and \
                re.search(r"\b(?:purchase|acquire|exercis\w+)\b", text[lo:y.start], re.I):
            return y
    return None


def sentence_frames(s: Sentence, m: Mentions, order: int, own: frozenset[str] = frozenset()) -> list[Frame]:
    """Every frame one sentence states."""
    text = s.text
    out: list[Frame] = []
    if not (m.figures or m.securities or m.dates):
        return out          # no figure, security or date: nothing to bind (and most sentences are such)
    if not _DONE_NOW.search(text) and RECAP.found_in(text) or REPORTED_BEFORE.search(text):
        return out
    when, expected = _sentence_date(text, m)
    fee_sentence = FEE_WORDS.found_in(text) and bool(_FEE_VERB.search(text))
    counted = [sec for sec in m.securities if not (sec.count is not None and sec.count.words and sec.count.value <= 10) and (sec.counted is not None or sec.kind in (Kind.WARRANT, Kind.PREFUNDED)
               and (sec.formula or sec.underlying_fraction is not None) or (sec.kind is Kind.PREFERRED))]
    starts = [sec.start for sec in counted] + [len(text)]
    # Read only for the loop over counted securities below, which most sentences never enter.
    recap_sentence = bool(counted) and bool(_RECAP_VERB.search(text))
    kind_of = _kind_of_consideration(text, bool(m.money)) if counted else "not_stated"
    gross = _money_in(m, 0, len(text), Role.GROSS)
    combined = _money_in(m, 0, len(text), Role.COMBINED)
    first_sale: Sale | None = None
    floor = 0
    makeup_spans = [(u.start(), u.end() + 200) for u in _UNIT_MAKEUP.finditer(text)] if counted else []
    for i, sec in enumerate(counted):
        lo, hi = sec.start, starts[i + 1]
        k = sec.kind
        if sec.count is not None and k in (Kind.COMMON, Kind.UNIT, Kind.PREFERRED, Kind.WARRANT, Kind.PREFUNDED) and (
                (sec.count.words and sec.count.value <= 10 and not sec.count.end > sec.count.start + 12)
                or any(a <= lo < b for a, b in makeup_spans)):
            continue
        if k in (Kind.OPTION, Kind.RIGHT, Kind.NOTE):
            floor = sec.end
            continue
        if k in (Kind.WARRANT, Kind.PREFUNDED):
            if sec.count is None and sec.underlying is None and not sec.formula and sec.underlying_fraction is None:
                continue
            if not _is_sale(text, sec, floor, hi) and not fee_sentence:
                continue
            if sec.underlying_fraction is not None and sec.count is None:
                continue     # "warrants to purchase one-half of one share": a unit's makeup
            shares = sec.underlying or sec.count
            role = _fee_role(text) if fee_sentence and _fee_grant(text, sec) else None
            head = text[max(0, lo - 40):lo] + (text[sec.count.end:sec.end].split("arrant")[0] if sec.count is not None else "")
            term, offset = _term(text[lo:hi], head)
            row = TABLE_ROW.match(text) and re.search(r"\b(\w+(?:-\w+)?)\s+(?:\(\d+\)\s+)?(years?|months?)\W*$", text[lo:hi])
            if term is None and row and word_number(row.group(1)) is not None:
                n = Decimal(word_number(row.group(1)))
                term = n if row.group(2).startswith("year") else (n / 12).quantize(Decimal("0.0001")).normalize()
            out.append(Grant(
                s, sec, int(shares.value) if shares is not None else None, bool(shares and shares.approximate),
                exercise=_exercise_reading(text, m, lo, hi) or (next((x for x in m.money if lo <= x.start < hi), None)
                                                                 if TABLE_ROW.match(text) else None),
                purchase=_money_in(m, lo, hi, Role.PER_PREFUNDED, Role.PER_WARRANT) if k is Kind.PREFUNDED else None,
                term_years=term, term_offset_months=offset, expires=_expiry_in(text, m, lo, hi),
                fee_role=role, date=when, order=order + i))
            floor = sec.end
            continue
        if k is Kind.PREFERRED and sec.count is None:
            if not re.search(r"\b(?:issued|sold|issue|sell|sale|purchase|designated)\b", text, re.I):
                continue
            if not _money_in(m, 0, len(text), Role.STATED_VALUE, Role.GROSS, Role.CONVERSION):
                continue
        if first_sale is not None and sec.count is not None and first_sale.count and sec.count.value < first_sale.count \
                and k is Kind.COMMON and PARTS.search(text, first_sale.security.end, sec.start) and not SECONDARY_WORDS.search(text):
            floor = sec.end          # "4,600,000 shares, consisting of 4,000,000 firm shares and 600,000 option shares"
            continue
        if sec.count is not None and k is Kind.COMMON and _another_company(text, sec, own):
            floor = sec.end
            continue
        if sec.count is not None and not _is_sale(text, sec, floor, hi):
            if k is Kind.COMMON and (SELLING.match(text, sec.end, min(hi, sec.end + 80)) or re.search(
                    r"\bselling\s+(?:stock|share|security)holders?\b[^.;$]{0,40}$", text[max(0, lo - 80):lo], re.I)):
                out.append(Statement(s, "secondary", int(sec.count.value), order=order + i))
            floor = sec.end
            continue
        if recap_sentence and not re.search(r"\b(?:today|this\s+(?:offering|placement))\b", text, re.I):
            continue
        if fee_sentence and re.search(r"\b(?:as\s+(?:a|its)\s+(?:finder|placement|commission)|in\s+lieu\s+of\s+cash)", text, re.I) and k is Kind.COMMON:
            kind = "services"
        else:
            kind = kind_of
        count = sec.count
        if k is Kind.UNIT and not (_money_in(m, 0, len(text), Role.PER_UNIT, Role.GROSS) or _UNIT_MAKEUP.search(text)
                                   or re.search(r"\bUnits?\b|\bunits?\s+of\s+the\s+Company|\bunit\s+(?:offering|financing|private)|"
                                                r"\b(?:offering|placement|financing)\s+of\s+[\d,.]+\s+(?:million\s+)?units", text)):
            continue
        if k is Kind.UNIT:
            price = _money_in(m, lo, hi, Role.PER_UNIT, Role.PER_SHARE, Role.COMBINED) or _money_in(m, 0, len(text), Role.PER_UNIT)
        elif k is Kind.PREFERRED:
            price = _money_in(m, lo, hi, Role.PER_SHARE)
        else:
            price = _money_in(m, lo, hi, Role.PER_SHARE, Role.COMBINED) or combined
            if price is None and not any(c.kind is Kind.COMMON and c is not sec and c.count for c in counted):
                # "2,518,182 ordinary shares and 300,000 pre-funded warrants at $1.10 per ordinary share"
                price = next((x for x in m.money if x.start > lo and x.role is Role.PER_SHARE and not re.search(
                    r"\b(?:exercise|strike|conversion)\s+price\b[^$]{0,40}$|\b(?:purchase|acquire|exercis\w+)\b[^$]{0,60}$",
                    text[max(lo, x.start - 60):x.start], re.I)), None)
            if price is None:
                # "at $2.00 per share, the Company sold 1,000,000 shares": a price before the count
                before = [x for x in m.money if x.start < lo and x.role is Role.PER_SHARE]
                price = before[-1] if before and not any(c.start < lo and c.kind is Kind.COMMON and c.count for c in counted[:i]) else None
        local_gross = _money_in(m, lo, hi, Role.GROSS)
        if sec.label == "American Depositary Shares" and count is not None:
            each = ADS_RATIO.search(text, sec.end)
            if each and word_number(each["n"]) or (each and each["n"].replace(",", "").isdigit()):
                ratio = word_number(each["n"]) or int(each["n"].replace(",", ""))
                per = re.search(r"equivalent\s+to\s+(?:US)?\$\s?(?P<p>[\d.]+)\s+per\s+ordinary\s+share", text, re.I)
                sec = attrs.evolve(sec, label="Ordinary Shares")
                count = attrs.evolve(count, value=count.value * ratio)
                if per:
                    price = next((x for x in m.money if x.start <= per.start("p") <= x.end), price)
                elif price is not None:
                    price = attrs.evolve(price, figure=attrs.evolve(price.figure, value=price.value / ratio))
        if kind == "not_stated" and price is None and local_gross is None and not DONE.search(text):
            floor = sec.end        # "issue to the Optionor an aggregate of 20,000,000 shares as follows:"
            continue
        sale = Sale(
            s, sec, int(count.value) if count is not None else None, bool(count and count.approximate), bool(count and count.up_to),
            price=price, consideration=local_gross or (gross if first_sale is None else None), consideration_kind=kind,
            date=when, expected=expected,
            additional=bool(_ADDITIONAL_BEFORE.search(text[max(0, lo - 30):lo])) and not OVER_ALLOTMENT.search(text),
            option_shares=bool(OVER_ALLOTMENT.search(text[max(0, lo - 150):hi])) and bool(OPTION_EXERCISED.search(text)),
            named_buyer=_named_buyer(text[lo:hi]), order=order + i)
        out.append(sale)
        first_sale = first_sale or sale
        floor = sec.end
    out.extend(_makeups(s, m, order))
    out.extend(_statements(s, m, when, expected, order, bool(first_sale)))
    if fee_sentence:
        fee = _fee(s, m, order)
        if fee:
            out.append(fee)
    return out


_AGENT_WORDS = re.compile(
    r"\b(?:placement\s+agents?|underwriters?|finders?|representatives?|brokers?|advis[oe]rs?|fees?|commissions?|compensation)\b", re.I)
_INVESTOR_WORDS = re.compile(r"\b(?:investors?|purchasers?|buyers?|subscribers?|holders?|stockholders?|shareholders?|lenders?)\b", re.I)


def _fee_grant(text: str, sec: Security) -> bool:
    """Warrants a fee sentence grants to the agent ("paid a fee of $X to Y and issued to it
    warrants"), not to the investors ("sold shares and warrants to the investors; the agent ...")."""
    if re.search(r"agent|underwriter|finder|broker|representative|advis|compensation", sec.label, re.I):
        return True
    before = text[:sec.start]
    fee = None
    for fee in _AGENT_WORDS.finditer(before):
        pass
    if fee is None:
        return bool(re.search(r"^[^.;]{0,60}\bto\s+(?:the\s+)?(?:placement\s+agents?|underwriters?|finders?|representatives?)", text[sec.end:], re.I))
    return not _INVESTOR_WORDS.search(before[fee.end():])


def _expiry_in(text: str, m: Mentions, lo: int, hi: int) -> date | None:
    for d in m.dates:
        if lo <= d.start < hi and EXPIRES_ON.search(text[max(lo, d.start - 60):d.start]):
            return d.value
    return None


def _named_buyer(segment: str) -> str | None:
    m = P.NAMED_TO.search(segment)
    return m["name"].strip(" ,") if m else None


def _fee_role(text: str) -> str:
    for pattern, role in AGENT_ROLE:
        if pattern.search(text):
            return role
    return "other"


_UNIT_MAKEUP = gated(re.compile(
    r"\b(?:each|every|per)\s+(?:such\s+)?(?:unit|Unit)\b[^.;]{0,40}?\b(?:consist(?:s|ing)?\s+of|is\s+(?:made\s+up|composed|comprised)\s+of|"
    r"comprises?|comprising|includes?|including|contains?|containing|is\s+comprised\s+of|will\s+consist\s+of|consisted\s+of)\s+"
    r"|\bunits?\b[^.;]{0,30}?\b(?:each\s+)?(?:consisting\s+of|comprised\s+of|comprising|containing|each\s+of\s+which\s+(?:consists|is\s+comprised)\s+of)\s+", re.I))
_PART = re.compile(
    r"(?:\(\w{1,3}\)\s*)?(?P<n>one|a|an|two|three|four|five|\d+(?:\.\d+)?|one-half|one\s+half|half\s+(?:of\s+)?(?:a|one)|one-third|one-quarter|"
    r"three-quarters|one-fourth|two-thirds|one-tenth)(?:\s*\(\d+\)\s*|\s+)(?:of\s+(?:a|one)\s+)?"
    r"(?P<what>(?:(?:common\s+)?(?:share|stock)\s+purchase\s+)?(?:(?!and\b|shares?\b)[\w-]+\s+){0,3}?"
    r"(?:(?:common\s+)?(?:share|stock)\s+purchase\s+)?(?:warrants?|rights?)|(?:(?!and\b)[\w-]+\s+){0,4}?(?:shares?|stock))", re.I)
_FRACTION_WORDS = {"one": Decimal(1), "a": Decimal(1), "an": Decimal(1), "two": Decimal(2), "three": Decimal(3), "four": Decimal(4),
                   "five": Decimal(5), "one-half": Decimal("0.5"), "one half": Decimal("0.5"), "half of a": Decimal("0.5"),
                   "half of one": Decimal("0.5"), "half a": Decimal("0.5"), "half one": Decimal("0.5"), "one-third": Decimal(1) / 3,
                   "one-quarter": Decimal("0.25"), "one-fourth": Decimal("0.25"), "three-quarters": Decimal("0.75"),
                   "two-thirds": Decimal(2) / 3, "one-tenth": Decimal("0.1")}


def _fraction(word: str) -> Decimal:
    w = re.sub(r"\s+", " ", word.lower())
    return _FRACTION_WORDS.get(w) or Decimal(w)


def _makeups(s: Sentence, m: Mentions, order: int) -> list[Makeup]:
    text = s.text
    out = []
    for u in _UNIT_MAKEUP.finditer(text):
        shares = warrants = None
        whole = True
        label = "Warrants"
        pos = u.end()
        end = len(text)
        parts = list(_PART.finditer(text, pos, min(end, pos + 400)))
        for p in parts:
            what = p["what"].lower()
            if "right" in what:
                continue
            if "warrant" in what and warrants is None:
                n = _fraction(p["n"])
                after = text[p.end():p.end() + 160]
                per = re.match(r"[^.;]{0,100}?\b(?:to\s+(?:purchase|acquire)|exercisable\s+(?:for|into)|entitling[^.;]{0,40}?to\s+(?:purchase|acquire))\s+"
                               r"(?P<n>one|a|an|two|one-half|one\s+half|half\s+of\s+(?:a|one)|one-third|one-quarter|\d+(?:\.\d+)?)\s+"
                               r"(?:additional\s+)?(?:of\s+(?:a|one)\s+)?(?:share|ordinary|common|Share|Common|Ordinary)", after, re.I)
                warrants = n * (_fraction(per["n"]) if per else 1)
                whole = n == n.to_integral_value()
                head = re.sub(r"^(?:common\s+)?(?:share|stock)\s+purchase\s+", "", p["what"], flags=re.I)
                label = re.sub(r"\s+", " ", head).strip()
                label = label[0].upper() + label[1:] if label else "Warrants"
                if not label.lower().endswith("s"):
                    label += "s"
            elif ("share" in what or "stock" in what) and shares is None:
                shares = _fraction(p["n"])
            if shares is not None and warrants is not None:
                break
        if shares is not None and warrants is not None:
            lo = u.start()
            term, _ = _term(text[lo:])
            out.append(Makeup(s, shares, warrants, whole, _tidy_label(label), _exercise_reading(text, m, lo, len(text)), term, order,
                              _expiry_in(text, m, lo, len(text))))
            break
    return out


def _tidy_label(label: str) -> str:
    words = label.split()
    words = [w for w in words if w.lower() not in ("one", "a", "an", "of", "common", "whole", "full", "transferable", "non-transferable")]
    label = " ".join(words) or "Warrants"
    if label.lower() in ("warrants", "warrant"):
        return "Warrants"
    return " ".join(w[0].upper() + w[1:] for w in label.split())


_OF_EACH = re.compile(r"\s*(?:per\s+share\s+)?(?:exercise|strike)\s+price\s+(?:of|for|under)\s+(?:each|the|a|its|such)\s+", re.I)
_MARKET_PRICE = re.compile(
    r"\b(?:(?:closing|market|trading|bid|last\s+reported|average|floor|ceiling|stock|share|reference|VWAP)\s+(?:sale\s+)?prices?|VWAP|"
    r"exceeds?|below|above|greater\s+than|less\s+than|if\s+the|traded|trades)\b[^$]{0,40}$", re.I)


def _statements(s: Sentence, m: Mentions, when: date | None, expected: bool, order: int, has_sale: bool) -> list[Statement]:
    text = s.text
    out: list[Statement] = []
    named = [sec for sec in m.securities]

    def subject(at: int) -> Security | None:
        # "each warrant entitles the holder to purchase one share at $0.10": "one share" is no subject
        before = [sec for sec in named if sec.start < at and sec.kind in (Kind.WARRANT, Kind.PREFUNDED, Kind.COMMON, Kind.UNIT, Kind.PREFERRED)
                  and not (sec.count is not None and sec.count.value <= 10 and sec.count.words)]
        return before[-1] if before else None

    for x in m.money:
        sec = subject(x.start)
        if x.role is Role.EXERCISE:
            # "less the $0.0001 exercise price of each Pre-Funded Warrant": the security named after it
            after = _OF_EACH.match(text, x.end)
            if after:
                sec = next((w for w in named if w.start >= after.end() - 1 and w.start <= after.end() + 2), sec)
        if x.role is Role.COMBINED:
            out.append(Statement(s, "price", x.value, Kind.COMMON, None, order=order))
            continue
        if x.role is Role.PER_SHARE and (sec is None or sec.kind not in (Kind.WARRANT, Kind.PREFUNDED)):
            pass
        elif x.role is Role.PER_SHARE:
            # the warrant whose purchase this price is: "Each Warrant will be exercisable into one share
            # (each, a "Warrant Share", ... with the Warrants, the "Securities") at $0.27 per Warrant Share"
            holder = next((w for w in reversed(named) if w.start < x.start and w.kind in (Kind.WARRANT, Kind.PREFUNDED)
                           and re.search(r"\b(?:purchase|acquire|exercis\w+|subscribe)\b", text[w.end:x.start], re.I)), None)
            sec = holder or sec
        if x.role is Role.EXERCISE or (x.role is Role.PER_SHARE and sec is not None and sec.kind in (Kind.WARRANT, Kind.PREFUNDED)
                                       and re.search(r"\b(?:purchase|acquire|exercis\w+|subscribe)\b", text[sec.end:x.start], re.I)):
            if _PRICE_IF.search(text[:x.start]):
                continue
            out.append(Statement(s, "exercise", x.value, sec.kind if sec else None, sec.label if sec else None, order=order))
        elif x.role in (Role.PER_SHARE, Role.COMBINED) and not _MARKET_PRICE.search(text[max(0, x.start - 80):x.start]) \
                and (sec is None or sec.kind in (Kind.COMMON, Kind.UNIT)):
            out.append(Statement(s, "price", x.value, sec.kind if sec else None, sec.label if sec else None, order=order))
        elif x.role is Role.PER_UNIT:
            out.append(Statement(s, "unit_price", x.value, Kind.UNIT, "Units", order=order))
        elif x.role is Role.PER_PREFUNDED:
            out.append(Statement(s, "prefunded_price", x.value, Kind.PREFUNDED, "Pre-Funded Warrants", order=order))
        elif x.role is Role.GROSS and not has_sale:
            if _GROSS_IF_BEFORE.search(text[:x.start]) \
                    or _GROSS_UPON_AFTER.search(text[x.end:]):
                continue
            out.append(Statement(s, "gross", x.value, approximate=x.figure.approximate, order=order))
        elif x.role is Role.NET:
            out.append(Statement(s, "net", x.value, approximate=x.figure.approximate, order=order))
    # terms and expiry of warrants named without a count
    if _WARRANT_WORD.search(text):
        term, offset = _term(text)
        sec = next((x for x in named if x.kind in (Kind.WARRANT, Kind.PREFUNDED)), None)
        if term is not None:
            out.append(Statement(s, "term", (term, offset), sec.kind if sec else Kind.WARRANT, sec.label if sec else None, order=order))
        exp = _expiry_in(text, m, 0, len(text))
        if exp is not None:
            out.append(Statement(s, "expiry", exp, sec.kind if sec else Kind.WARRANT, sec.label if sec else None, order=order))
    # closings and agreements
    closed = P.CLOSED_ON.search(text)
    if closed:
        out.append(Statement(s, "closing", parse_date(closed["date"] or closed["date2"] or closed["date3"]), order=order))
    for d in m.dates if not closed else ():
        before = text[max(0, d.start - 100):d.start]
        if CLOSING_DATE.search(before) and re.search(
                r"\b(?:offering|placement|financing|closing|transaction|sale|tranche|units|shares|issuance|subscription)\b", text, re.I):
            out.append(Statement(s, "closing", d.value, order=order, approximate=expected))
            break
    if _AGREEMENT_SIGNED.search(text) and when is not None:
        out.append(Statement(s, "agreement", when, order=order))
    # the over-allotment option: how many shares it covers
    if OVER_ALLOTMENT.search(text):
        inc = re.search(r"\b(?:which\s+includes?|including|includes|inclusive\s+of)\s+(?:the\s+)?(?P<n>[\d,]+)\s+(?:additional\s+)?(?:shares|ordinary|common|units|ADSs)"
                        r"[^.;]{0,100}\b(?:over-?allotment|option)", text, re.I)
        if inc:
            out.append(Statement(s, "option", int(inc["n"].replace(",", "")), order=order, approximate=True))
        for f in m.figures if not inc else ():
            if f.kind == "count" and re.match(r"\s*(?:additional\s+)?(?:shares|ordinary|common|units|ADSs)", text[f.end:f.end + 30], re.I) \
                    and re.search(r"\badditional\s*$|\bup\s+to\s*(?:an\s+additional\s*)?$", text[max(0, f.start - 40):f.start], re.I):
                out.append(Statement(s, "option", int(f.value), order=order,
                                     approximate=bool(OPTION_EXERCISED.search(text))))
                break
    return out


_PAYEE = re.compile(
    r"(?:\bto|\bpaid|\bpay)\s+(?P<name>(?:(?:[A-Z][\w.&'’-]*|&)\s+){1,5}?(?:&\s+Co\.?,?\s+)?(?:Inc\.?|LLC|L\.P\.|Ltd\.?|Corp\.?|Corporation|Company|Group|Partners|Securities|Capital|Markets)"
    r"(?:,?\s+(?:LLC|Inc\.?|L\.P\.|LP|Ltd\.?|Corp\.?)(?=[\s,.;]|$))?)")
_PAYEE_DESC = re.compile(
    r"\bto\s+(?P<d>(?:an?|the)\s+(?:unrelated\s+|unaffiliated\s+|independent\s+)?(?:third[- ]party(?:\s+finder)?|finder|placement\s+agent|"
    r"financial\s+advis[oe]r|broker-dealer|underwriters?)s?)\b", re.I)
_PERCENT_OF_PROCEEDS = re.compile(r"\bof\s+the\s+(?:aggregate\s+)?(?:gross\s+)?(?:proceeds|purchase\s+price|amount\s+raised|funds\s+raised)", re.I)
NO_FEE = gated(re.compile(
    r"\bno\s+(?:underwriters?|placement\s+agents?|finders?|brokers?|broker-dealers?|commissions?|fees?|"
    r"underwriting\s+(?:discounts?|commissions?))\b|\bwithout\s+(?:the\s+(?:use|assistance)\s+of\s+)?(?:an?\s+)?"
    r"(?:underwriter|placement\s+agent|finder|broker)|\b(?:not|neither)\s+(?:pay|paid|incur|incurred)\s+(?:any\s+)?"
    r"(?:commissions?|fees?)", re.I))


def _fee(s: Sentence, m: Mentions, order: int) -> Fee | None:
    text = s.text
    if NO_FEE.search(text) and not any(x.role is Role.FEE for x in m.money):
        return None
    if re.search(r"\b(?:may|might|would|intends?\s+to|expects?\s+to)\s+(?:pay|be\s+paid)", text, re.I):
        return None
    cash = next((x for x in m.money if x.role is Role.FEE), None)
    percent = None
    warrant_percent = None
    for p in m.percents:
        after = text[p.end:p.end + 80]
        if re.match(r"\s*(?:of\s+the\s+(?:number\s+of\s+|aggregate\s+number\s+of\s+)?(?:shares|units|ordinary|common|Shares|Units))", after, re.I) \
                and re.search(r"warrant", text[max(0, p.start - 160):p.start], re.I):
            warrant_percent = p.value
        elif _PERCENT_OF_PROCEEDS.match(after.lstrip(" ")) or re.match(r"\s*(?:cash\s+)?(?:fee|commission)", after, re.I):
            percent = percent or p.value
    grant = next((sec for sec in m.securities if sec.kind is Kind.WARRANT), None)
    warrants = bool(grant) or bool(_WARRANT_WORD.search(text))
    shares = grant.counted if grant else None
    if cash is None and percent is None and not warrants and not re.search(
            r"\bfinder['’]?s?\s+fee|\bplacement\s+(?:agent\s+)?fee|\b(?:paid|pay|pays)\s+(?:to\s+)?(?:\w+\s+){0,4}?(?:a|the|its)\s+(?:cash\s+)?fee\b|"
            r"\bunderwriting\s+discount", text, re.I):
        return None
    if _FEE_UNSETTLED.search(text):
        return None
    role = _fee_role(text)
    payee = _PAYEE.search(text)
    desc = _PAYEE_DESC.search(text)
    return Fee(s, role, payee["name"].strip(" ,") if payee else (desc["d"] if desc else ""), cash, percent, warrants,
               int(shares.value) if shares is not None else None, warrant_percent, order)


def frames(sentences, read_mentions, skip, issuer: str | None = None) -> list[Frame]:
    """All frames of a document's sentences, in order; `skip(s)` tells the sentences not to read."""
    out: list[Frame] = []
    own = _own_words(issuer)
    for i, s in enumerate(sentences):
        if skip(s):
            continue
        out.extend(sentence_frames(s, read_mentions(s.text), i * 100, own))
    return out


def _own_words(issuer: str | None) -> frozenset[str]:
    """The words a filing may call its issuer's shares by: "shares of Acme" is Acme's own stock."""
    words = {"company", "registrant", "corporation", "issuer", "its", "our", "the", "such", "common", "class", "series",
             "ordinary", "preferred", "beneficial", "record"}
    if issuer:
        words |= {w.lower() for w in re.findall(r"[A-Za-z][\w&-]*", issuer)[:2]}
    return frozenset(words)


_OF_NAME = re.compile(r"\s+(?:of|in)\s+(?P<name>[A-Z][\w&.-]*)")


def _another_company(text: str, sec: Security, own: frozenset[str]) -> bool:
    """"10,000,000 common shares of NevGold": shares of a company other than the issuer."""
    m = _OF_NAME.match(text, sec.end)
    if not m or not own:
        return False
    name = m["name"].rstrip(".,").lower()
    return name not in own and not re.match(r"(?:the|its|our|this|that|each|which|beneficial|record)$", name)


__all__ = ["Sale", "Grant", "Makeup", "Statement", "Fee", "Frame", "frames", "sentence_frames"]

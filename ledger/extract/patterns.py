"""Recognisers the passes share: item headings, notes and their terms, conversion terms of
preferred, warrants sized by a formula, rights that are not securities yet, agreements, agents and
aliases. Written for the wording of financings in general, never for one filing: no names,
figures or dates of any filing appear here."""
from __future__ import annotations

import re

from ledger.extract.gate import gated
from ledger.extract.values import DATE, NUMBER, WORD_NUMBER

Q = r"[\"“”']"          # straight or curly quotes around defined terms
NUM = r"\d{1,3}(?:,\d{3})+|\d+"
POSSESSOR = r"(?:(?:the\s+)?(?:Company|Registrant|Corporation)['’]s|its|our|their|such)"

ITEM_HEADING = re.compile(r"^Item\s+(?P<n>\d{1,2}(?:\.\d{2})?)\b", re.I)
ITEM_NUMBER = re.compile(r"\bItem\s+(?P<n>\d{1,2}(?:\.\d{2})?)\b", re.I)


PREFERRED = re.compile(
    rf"(?:(?P<n>{NUM})\s+shares\s+(?:\([^)]{{0,40}}\)\s+)?of\s+(?:{POSSESSOR}\s+)?(?:newly\s+designated\s+)?)?"
    rf"(?P<title>(?:(?P<rate>\d+(?:\.\d+)?)%\s+)?(?:Series\s+(?P<series>[A-Z0-9][\w-]*)\s+)?(?:(?P<rate2>\d+(?:\.\d+)?)%\s+)?"
    rf"(?:(?:Cumulative|Convertible|Redeemable|Participating|Non-Voting|Voting|Senior|Junior)\s+){{0,3}}"
    rf"Preferred\s+(?:Stock|Shares)(?:\s+with\s+Conversion\s+Features)?)"
    rf"(?!\s+(?:Purchase|Subscription|Exchange)\s+Agreement)",
    re.I)

# --- convertible notes and debentures -----------------------------------------------------
NOTE = re.compile(
    rf"(?P<title>(?:(?P<rate>\d+(?:\.\d+)?)%\s+)?(?:(?:Senior|Secured|Unsecured|Subordinated|Original\s+Issue\s+Discount|"
    rf"Variable\s+Rate|Amortizing)\s+){{0,3}}Convertible\s+(?:(?:Promissory|Senior|Secured|Subordinated)\s+)*"
    rf"(?:Notes?|Debentures?)(?:\s+due\s+(?P<due>{DATE}|\d{{4}}))?)",
    re.I)
PRINCIPAL = re.compile(
    rf"(?:principal\s+amount\s+of\s+(?:up\s+to\s+)?|for\s+a\s+total\s+of\s+)\$\s?(?P<num>{NUMBER})(?:\s+(?P<scale>million|billion))?"
    rf"|\$\s?(?P<num2>{NUMBER})(?:\s+(?P<scale2>million|billion))?\s+(?:in\s+)?(?:aggregate\s+)?(?:original\s+)?principal\s+amount",
    re.I)
NOTE_CONVERSION_PRICE = re.compile(
    rf"conversion\s+price(?:\s+of\s+(?:that|the|each|such)\s+(?:note|debenture)s?)?\s+(?:of|equal\s+to|is|will\s+be)\s+(?:(?P<formula>(?:the\s+)?(?:lesser|lower|greater)\s+of\s+(?:[^.;]|\.\d)+)|\$\s?(?P<p>{NUMBER})(?!\d|\.\d))",
    re.I)
MATURITY = re.compile(rf"\bmatur\w*\s+(?:on\s+|date\s+(?:of|is)\s+)?(?P<date>{DATE})|\bdue\s+(?:on\s+)?(?P<date2>{DATE})", re.I)
INTEREST = re.compile(r"\b(?:bears?|bearing|accrues?|accruing)\s+interest\s+at\s+(?:a\s+rate\s+of\s+|the\s+rate\s+of\s+)?(?P<rate>\d+(?:\.\d+)?)%", re.I)

ISSUE_VERB = re.compile(
    r"\b(?:issued|issue|issues|issuing|sold|sell|sells|selling|received|granted|grant|purchased|"
    r"completion\s+of|completed|closed|consummated|placed|agreed\s+to\s+(?:issue|sell|purchase)|"
    r"together\s+with|investing|in\s+exchange\s+for|agreed\s+to\s+exchange|"
    r"(?:registered\s+direct|private\s+placement|underwritten(?:\s+public)?|public)\s+offering\s+of)\b", re.I)
# A sentence that speaks of what may happen, not of a sale that was made.
NOT_A_SALE = re.compile(
    r"\b(?:may\s+(?:from\s+time\s+to\s+time\s+)?(?:issue|sell|offer)|from\s+time\s+to\s+time|"
    r"upon\s+(?:the\s+)?(?:exercise|conversion)|exchange\s+ratio|shelf|authori[sz]ed\s+(?:but\s+unissued|to\s+issue)|"
    r"reserved\s+for\s+issuance|certificate\s+of\s+(?:designation|elimination)|stock\s+options?|"
    r"no\s+shares\s+(?:of\s+[\w\s]+?\s+)?(?:were|are)\s+(?:then\s+)?outstanding|option\s+to\s+purchase\s+up\s+to\s+(?:an\s+)?additional|"
    # capitalisation and merger mechanics describe what exists or will be converted, not a sale
    r"authori[sz]ed\s+capital(?:\s+stock)?|issued\s+and\s+outstanding|by\s+virtue\s+of\s+the\s+merger|"
    # compensation awards, and balances at a date, are not sales
    r"(?:equity|stock)\s+(?:incentive|option|compensation|award)\s+plan|restricted\s+(?:stock|shares?)\s+(?:award|unit)s?|"
    rf"award\s+of\s+[\d,]+\s+restricted|outstanding\s+(?:as\s+of|at)\s+(?:the\s+end\s+of|{DATE}))\b",
    re.I)
# Items whose text recaps or compensates, never reports a financing: results of operations,
# officers and their pay, changes of accountants, votes of holders.
NO_FINANCING_ITEMS = frozenset({"2.02", "4.01", "4.02", "5.02", "5.07"})
# Audited statements and their notes recap past issuances (often another company's): not facts of
# this filing. They run until the next item heading or exhibit.
FINANCIAL_STATEMENTS = re.compile(
    r"^(?:NOTES\s+TO\s+(?:THE\s+)?(?:CONSOLIDATED\s+)?FINANCIAL\s+STATEMENTS|REPORT\s+OF\s+INDEPENDENT\s+"
    r"(?:ACCOUNTANTS|AUDITORS|REGISTERED\s+PUBLIC\s+ACCOUNTING\s+FIRM|CERTIFIED\s+PUBLIC\s+ACCOUNTANTS)|"
    r"(?:CONSOLIDATED\s+)?BALANCE\s+SHEETS?\b|(?:CONSOLIDATED\s+)?STATEMENTS?\s+OF\s+(?:OPERATIONS|CASH\s+FLOWS|"
    r"(?:CHANGES\s+IN\s+)?(?:STOCKHOLDERS|SHAREHOLDERS)['’]?\s+EQUITY|INCOME))")
EXHIBIT_HEADING = re.compile(r"^EX-\d")


TERM_BEFORE = re.compile(rf"\b(?P<n>{WORD_NUMBER}|\d+)(?P<half>\s+and\s+one-half)?[- ]years?[- ]?$", re.I)
# "from the date of issuance": the moment a term or its start is counted from.
_AFTER_ISSUE = (r"(?:after|from|following)\s+(?:the\s+|their\s+|its\s+)?(?:date\s+of\s+)?(?:original\s+)?"
                r"(?:issuance|issue|closing|grant)")
TERM_AFTER = gated(re.compile(
    rf"(?:for\s+a\s+(?:period|term)\s+of|term\s+of|exercisable\s+for|expir\w*(?:\s+on\s+the)?|within)\s+"
    rf"(?P<n>{WORD_NUMBER}|\d+(?:\.\d+)?)(?:\s+\(\d+\))?(?P<half>\s+and\s+one-half)?\s+(?P<unit>years?|months?)"
    rf"|(?P<n2>{WORD_NUMBER}|\d+(?:\.\d+)?)(?P<half2>\s+and\s+one-half)?\s+(?P<unit2>years?|months?)\s+{_AFTER_ISSUE}",
    re.I))
# "exercisable for three years commencing six months after issuance": the term starts later.
TERM_STARTS = gated(re.compile(
    rf"\b(?:commencing|beginning|starting|exercisable|become\s+exercisable)\s+(?P<n>{WORD_NUMBER}|\d+)\s+(?P<unit>months?|years?)\s+"
    rf"{_AFTER_ISSUE}", re.I))
# What follows a term that runs from issue: "five years| from the date of issuance".
FROM_ISSUE = re.compile(rf"\s+{_AFTER_ISSUE}", re.I)

AGREEMENT = re.compile(
    r"\b(?:entered\s+into|signed|executed)\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,4}?(?:Agreement|agreements)\b"
    r"(?:\s*\([^)]*\))?(?:\s+with\s+(?P<with>(?:an?\s+|one\s+|two\s+|three\s+|four\s+|five\s+|several\s+|certain\s+|[\w-]+\s+)?"
    r"(?:[\w-]+\s+){0,3}?(?:investors?|institutions?|purchasers?|buyers?|funds?|shareholders?|stockholders?))\b)?",
    re.I)
CLOSED_ON = gated(re.compile(
    rf"\b(?:closed|closing(?:\s+of\s+(?:the\s+)?(?:[\w-]+\s+){{0,3}}?(?:transaction|offering|placement|financing|sale)s?)?"
    rf"\s+(?:occurred|took\s+place|was\s+(?:completed|consummated|held))|was\s+completed|completed)\s+on\s+(?P<date>{DATE})"
    rf"|\bOn\s+(?P<date2>{DATE}),\s+(?:the\s+)?(?:[\w-]+\s+){{0,3}}?(?:closed|was\s+(?:completed|consummated))\b"
    rf"|\bclosed\s+and\s+[^.]{{0,80}}?\bdelivered\s+on\s+(?P<date3>{DATE})",
    re.I))
AGREED_TO_SELL = re.compile(r"\bagreed\s+to\s+(?:offer\s+and\s+)?(?:issue|sell)\b|\bentered\s+into\b", re.I)
ISSUED_OR_SOLD = re.compile(r"\b(?:issued|sold)\b", re.I)
SAME_TERMS = re.compile(r"\bon\s+the\s+same\s+terms\b|\bsame\s+terms\s+as\b", re.I)
NAMED_IN_CLOSING = re.compile(
    r"\b(?:investors|purchasers|buyers|subscribers)\s+in\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?closing\s+"
    r"(?:were|are|included|include)\s+(?P<names>[A-Z].+?)\.?$")
TO_WHOM = re.compile(r"\bto\s+(?P<who>(?:the\s+)?(?:(?:[\w-]+\s+){0,3}?)(?:investors|purchasers|buyers|subscribers))\b",
                     re.I)

# --- warrants whose quantity a formula sets --------------------------------------------------
VESTING = re.compile(
    rf"vesting\s+dates?\s+(?P<a>{WORD_NUMBER}|\d+)(?:\s+and\s+(?P<b>{WORD_NUMBER}|\d+))?\s+months\s+"
    rf"(?:subsequent\s+to|after|following)\s+the\s+closing", re.I)
NO_SHARES = re.compile(r"\bno\s+(?:shares|warrant\s+shares)\b[^.]*?\b(?:issuable|vest|shall\s+vest|will\s+vest)", re.I)


# --- convertible terms ----------------------------------------------------------------------
CONVERT = re.compile(r"\bconver(?:t|sion|tible)", re.I)
FIXED_CONVERSION = re.compile(
    rf"(?:conversion|initial|fixed)\s+price\s+(?:of|equal\s+to|is)\s+\$\s?(?P<a>{NUMBER})(?!\d|\.\d)|at\s+an\s+initial\s+price\s+of\s+\$\s?(?P<b>{NUMBER})(?!\d|\.\d)",
    re.I)
FIRST_DAYS = re.compile(rf"\bfirst\s+(?P<n>\d+|{WORD_NUMBER})\s+days\b", re.I)
INCREMENTS = re.compile(r"(?P<pct>\d+(?:\.\d+)?)%\s+(?:cumulative\s+)?(?P<period>monthly|quarterly|annual)\s+increments", re.I)
VARIABLE = re.compile(
    r"(?P<formula>(?:the\s+lesser\s+of\s+[^.]*?)?(?:(?:variable\s+)?(?:rate|conversion\s+price|price)\s+(?:of|equal\s+to)\s+)"
    r"(?P<pct>\d+(?:\.\d+)?)%\s+of\s+the\s+(?P<ref>(?:average\s+)?[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*)[^.]*)", re.I)
DISCOUNT = re.compile(r"(?P<formula>[^.]*?(?P<pct>\d+(?:\.\d+)?)%\s+discount\s+to\s+(?:the\s+)?(?P<ref>[^.,;]+)[^.]*)", re.I)
# DISCOUNT's formula runs from the start of the period-free stretch that holds the cue. Searched as
# it is, DISCOUNT tries "[^.]*?" from every position to the sentence's end: a sentence with no cue
# cost the square of its length (2.6 s for one of 10,000 characters). So the cue is found first.
_DISCOUNT_CUE = re.compile(r"\d+(?:\.\d+)?%\s+discount\s+to\s+(?:the\s+)?[^.,;]", re.I)


def search_discount(text: str) -> re.Match | None:
    """DISCOUNT.search(text), in time linear in the text: the same match, found from its cue."""
    cue = _DISCOUNT_CUE.search(text)
    if cue is None:
        return None
    return DISCOUNT.match(text, text.rfind(".", 0, cue.start()) + 1)
SHARE_CAP = re.compile(
    rf"(?:converted\s+into|convertible\s+into|conversion\s+into)\s+(?:more\s+than|up\s+to|a\s+maximum\s+of|no\s+more\s+than)\s+"
    rf"(?P<n>{NUM})\s+shares", re.I)

NAMED_TO = re.compile(
    r"\bto\s+(?P<name>(?:(?:[A-Z][\w.&'’-]*|&),?\s+){1,5}?(?:&\s+Co\.?,?\s+)?(?:Inc\.?|LLC|L\.P\.|LP|Ltd\.?|Corp\.?|Corporation|Fund|Partners|Capital)(?:,?\s+(?:LLC|Inc\.?|L\.P\.|LP|Ltd\.?))?)(?=[\s,.;]|$)")
# 'Mercator Advisory Group, LLC ("MAG")': later sentences may name a party by its alias only.
# A word of a name is at most 81 characters: these are tried at every capital letter, and with no
# bound each capital of one long token ("Abc.Abc.Abc...") re-read the whole token (quadratic).
ALIAS = re.compile(
    r"(?P<name>(?:(?:[A-Z][\w.&'’-]{0,80}|&),?\s+){1,6}?(?:&\s+Co\.?,?\s+)?(?:Inc\.?|LLC|L\.P\.|Ltd\.?|Corp\.?|Corporation|Company|Group|Partners|Securities|Capital))"
    r",?\s*\((?:the\s+)?[\"“](?P<alias>[A-Z][\w&. -]{0,30})[\"”]\)")
SELF_ALIAS = re.compile(r"^(?:Company|Registrant|Issuer|Corporation|Parent|Purchaser|Purchasers|Investors?|Agreement)$", re.I)
AGENT_NAMED = re.compile(
    r"(?P<name>(?:(?:[A-Z][\w.&'’-]{0,80}|&),?\s+){1,6}?(?:&\s+Co\.?,?\s+)?(?:Inc\.?|LLC|L\.P\.|Ltd\.?|Corp\.?|Corporation|Company|Group|Partners|Securities|Capital)),?"
    r"(?:\s*\((?:the\s+)?[\"“](?P<alias>[^\"”]+)[\"”]\))?\s+(?:acted|served|is\s+acting|was\s+engaged)\s+as\s+(?:the\s+)?(?:exclusive\s+|sole\s+|lead\s+)?"
    r"(?P<role>placement\s+agent|finder|financial\s+advis[oe]r|underwriter)")
FEE_ROLE = (
    (re.compile(r"finder", re.I), "finder"),
    (re.compile(r"placement", re.I), "placement_agent"),
    (re.compile(r"underwrit", re.I), "underwriter"),
    (re.compile(r"advis|due\s+diligence", re.I), "advisor"),
)

# --- rights that are not securities yet -----------------------------------------------------
ISSUER_OPTION = re.compile(
    r"\b(?:the\s+)?(?:Company|Registrant|Corporation|we)\s+(?:also\s+)?(?:has|have|shall\s+have|will\s+have|retains?|holds?)\s+"
    r"(?:the\s+)?(?:right|option)\b[^.]*?\bto\s+(?P<verb>sell|issue|redeem|call|repurchase|require)", re.I)
REDEMPTION_FEATURE = re.compile(r"\bredemption\s+(?:feature|right)s?\s+at\s+the\s+(?:Company|Registrant|issuer)['’]s\s+option", re.I)
OVER_ALLOTMENT = re.compile(
    rf"\boption\s+(?:(?:for\s+a\s+period\s+of|exercisable\s+(?:for|within)|within)\s+[\w()-]+(?:\s*\(\d+\))?\s+days,?\s+)?"
    rf"to\s+purchase\s+up\s+to\s+(?:(?:an\s+)?additional\s+(?P<n>{NUM})|(?P<n2>{NUM})\s+additional)\s+(?:shares|ordinary)", re.I)
COMMENCING = re.compile(rf"\bcommencing\s+(?P<n>\d+|{WORD_NUMBER})\s+days\s+after\s+(?P<date>{DATE}|the\s+closing)", re.I)
FIRST_VESTING = re.compile(r"\bat\s+the\s+time\s+of\s+the\s+first\s+vesting\s+date\b", re.I)

"""Filing text to events, in passes with typed data between them.

segment (layout: parts and their roles) -> mentions (figures, money with roles, securities) ->
frames (facts within a sentence) -> assembly (facts across the document, candidates and
constraints) -> typed drafts -> events. The cover page becomes the FilingRecorded.
"""
from __future__ import annotations


import attrs

from events.rules import InvalidEvent
from events import Event, FilingRecorded, Issuer, Provenance, Quote
from ledger.extract.cover import Cover, read_cover
from ledger.extract.identify import NoIssuer, identify
from ledger.extract.segment import PRESS_RELEASE, part_of, segment
from ledger.formats import Header
from ledger.errors import LedgerError
from ledger.extract.assembly import Assembly, Context
from ledger.extract.frames import frames
from ledger.extract.guard import readable
from ledger.extract.layout import lay_out, read_agents
from ledger.extract.mentions import read as read_mentions
from ledger.extract.parties import read_parties
from ledger.extract import periodic
from ledger.extract.prefilter import may_state
from ledger.extract import prospectus
from ledger.formats.forms import PROSPECTUS, REGISTRATION, family
from ledger.extract.to_events import to_event


@attrs.frozen
class Extraction:
    cover: Cover
    events: tuple[Event, ...]
    warnings: tuple[str, ...]
    drafts: tuple = attrs.field(default=(), eq=False, repr=False)    # what assembly built, for --explain
    frames: tuple = attrs.field(default=(), eq=False, repr=False)    # what each sentence stated


class NotAFiling(LedgerError, ValueError):
    """The text lacks what every 8-K has (a form, a registrant, a date)."""


def extract(normalised: str, *, stream: str, raw_sha256: str, source_name: str,
            header: Header | None = None, cover_facts: tuple = ()) -> Extraction:
    """Events of one filing. The SEC header, when there is one, outranks the cover page for the
    CIK, the period (date of report), the date filed (the date it became public) and the form.
    ``cover_facts`` are the inline-XBRL shares-outstanding facts of a periodic report
    (``ledger.formats.xbrl.cover_facts``)."""
    document = segment(normalised, "8-K" if header else None)
    press = document.kind == PRESS_RELEASE
    cover = Cover(None, None, None, None, None, None, ()) if press else read_cover(normalised)
    try:
        found = identify(normalised, header, document.kind, document=document, cover=cover)
    except NoIssuer as e:
        raise NotAFiling(str(e)) from None
    cover = attrs.evolve(cover, issuer_name=cover.issuer_name or (found.issuer_name if press else None), quotes=found.quotes)
    name, report_date = found.issuer_name, found.report_date
    if report_date is None:
        raise NotAFiling("no date of report, signature date or any other date found")
    # A periodic report is read for sales only in its sales items and its subsequent-events note
    # (ledger.extract.periodic), the note read though it stands among the statements; its cover's
    # shares outstanding become balances.
    is_periodic = periodic.is_periodic(found.form)
    sales_part = periodic.sale_paragraphs(normalised) if is_periodic else frozenset()
    # A Markdown copy's front matter repeats the lead; "About the Company" and legends recap, never report.
    # Financial statements recap the past (often another company's); signatures and covers state no deal.
    read = [s for s in document.sentences if part_of(document, s).role not in ("front_matter", "boilerplate", "statements")
            or s.paragraph in sales_part]
    sentences, warnings = readable(read, source_name)
    warnings = [f"{source_name}: {w}" for w in found.warnings] + warnings
    layout = lay_out(sentences)
    if is_periodic:
        layout = attrs.evolve(layout, skipped=frozenset(
            s.start for s in sentences if s.paragraph not in sales_part or
            (s.start in layout.skipped and layout.roles.get(s.start) != "statements")))
    fam = family(found.form)
    secs = prospectus.sections(normalised) if fam in (PROSPECTUS, REGISTRATION) else None
    if secs is not None:
        # A prospectus states this offering's terms only on its cover, in "The Offering" and in its
        # plan of distribution; a registration statement states none.
        layout = attrs.evolve(layout, skipped=layout.skipped | prospectus.skipped(sentences, normalised, fam, secs))
    parties = read_parties(sentences, cover.issuer_name)
    agents, aliases = read_agents(sentences, name)
    if fam == PROSPECTUS:
        agents = agents + tuple(a for a in prospectus.read_agents(sentences, layout.skip) if a[0] not in {n for n, _, _ in agents})
    ctx = Context(report_date=report_date, issuer=name, parties=parties, role=layout.roles, items=layout.items,
                  agents=agents, aliases=aliases)
    # Most sentences state no financing fact: one cheap test spares them the mentions and frames passes.
    frames_read = frames(sentences, read_mentions, lambda s: layout.skip(s) or not may_state(s.text), name)
    drafts = Assembly(ctx).run(frames_read, sentences, layout.skip)
    if fam == PROSPECTUS and secs is not None:
        atm = prospectus.is_atm(normalised, secs)
        drafts = prospectus.settle(drafts, sentences, normalised, report_date, atm=atm,
                                   table=prospectus.pricing_table(normalised), agents=agents, skip=layout.skip)
        programme = prospectus.atm_programme(sentences, layout.skip) if atm else None
        if programme is not None:
            drafts = [*drafts, programme]
        drafts = sorted(drafts, key=lambda d: d.order)
    try:
        balances = periodic.balance_events(periodic.cover_balances(
            normalised, period=report_date, facts=tuple(cover_facts)), stream) \
            if is_periodic else ()
        return _events(normalised, cover, name, report_date, header, layout, drafts, frames_read, stream=stream,
                       raw_sha256=raw_sha256, source_name=source_name, warnings=warnings, found=found,
                       balances=balances)
    except InvalidEvent as e:
        # A value no event may hold (a year 9999 read from "19,9999"): the filing is refused with the
        # reason, not stored with the value swapped for another, and not failed with a foreign error.
        raise NotAFiling(f"a value read from the text cannot be recorded: {e}") from None


def _events(normalised, cover, name, report_date, header, layout, drafts, frames_read, *, stream, raw_sha256, source_name,
            warnings, found, balances=()) -> Extraction:
    issuer = Issuer(name=name, cik=header.cik if header else None,
                    file_number=cover.file_number or (header.file_number if header else None),
                    irs_number=cover.irs_number or (header.irs_number if header else None))
    filing = FilingRecorded(
        effective_date=report_date, provenance=Provenance(stream, cover.quotes or (Quote(0, 0, ""),)),
        issuer=issuer, form=found.form, report_date=report_date,
        signature_date=cover.signature_date, public_date=found.public_date,
        identity=stream, raw_sha256=raw_sha256, source_name=source_name,
        accession=header.accession if header else None,
        items=tuple(header.items) if header and header.items else layout.headings)
    facts = [*balances, *(to_event(d, stream, report_date) for d in drafts)]
    warnings += [] if drafts else [f"{source_name}: no financing facts found"]
    return Extraction(cover, (filing, *facts), tuple(warnings), tuple(drafts), tuple(frames_read))

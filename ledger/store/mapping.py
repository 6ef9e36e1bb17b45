"""Between events and rows: how an event is encoded, chained and decoded. Shared by every engine,
so a ledger copied between engines keeps every byte and every hash."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import NamedTuple

import attrs

from events import BY_TYPE, Event, FilingRecorded, Issuer, to_json
from events import fastdecode
from events.envelope import Document, StoredEvent, StreamInfo
from ledger import ids
from ledger.errors import StoreError
from ledger.store import chain
from ledger.store.chain import link_hash, row_content


class UnreadableEvent(StoreError, ValueError):
    """A stored event this program cannot decode: a schema version newer than it knows, an old one
    with no upcaster, or an unknown type. The row is left as it is; upgrade the program to read it."""


class DamagedDocument(StoreError):
    """A stored filing text whose row is not what the store wrote (a column of the wrong type)."""

    def __init__(self, location: str, source_name: str, raw_sha256: str, problem: str):
        super().__init__(f"{location}: the stored text of {source_name} ({raw_sha256[:12]}) is damaged: "
                         "its row is not what the ledger wrote; run `verify`")
        self.problem = problem   # for verify: what is wrong with the row


def checked_document(location: str, raw_sha256: str, source_name, raw, normalised):
    """A Document from a stored row, or DamagedDocument when a column has the wrong type."""
    if not isinstance(raw, bytes):
        raise DamagedDocument(location, source_name, raw_sha256,
                              f"the stored text of {source_name} is {type(raw).__name__}, not the bytes that were read")
    if not isinstance(normalised, str):
        raise DamagedDocument(location, source_name, raw_sha256,
                              f"the stored normalised text of {source_name} changed: it is {type(normalised).__name__}, not text")
    return Document(raw_sha256, source_name, raw, normalised)


class EncodedEvent(NamedTuple):
    """An event as it is written."""

    type: str
    schema_version: int
    effective_date: str
    payload: str
    quote: str


@attrs.frozen
class EventRow:
    """One stored row of the events table, as it is: the chain covers every column but its own two."""

    seq: int
    event_id: str
    stream: str
    version: int
    issuer_key: str
    type: str
    schema_version: int
    effective_date: str
    public_date: str | None
    recorded_at: str
    payload: str
    quote: str
    prev_hash: str
    hash: str

    def __getitem__(self, name: str):   # the chain reads rows by column name (ledger/store/chain.py)
        return getattr(self, name)

    def values(self) -> tuple:
        """The columns in COLUMNS order, for positional INSERTs."""
        return (self.seq, self.event_id, self.stream, self.version, self.issuer_key, self.type, self.schema_version,
                self.effective_date, self.public_date, self.recorded_at, self.payload, self.quote, self.prev_hash,
                self.hash)

    @property
    def encoded(self) -> EncodedEvent:
        return EncodedEvent(self.type, self.schema_version, self.effective_date, self.payload, self.quote)


COLUMNS = tuple(f.name for f in attrs.fields(EventRow))


class ChainLink(NamedTuple):   # a tuple: a million of them are made per verify
    """What verify needs of one row: its place, its two hashes, whether its event_id is the one its
    stream and version give (``id_ok``), and ``hashed``: the UTF-8 bytes the row's hash covers, its
    stored prev_hash followed by its canonical content (chain.row_content) as the engine built it,
    or None when the engine could not (a column of a type no writer of ours stores): verify then
    reads the whole row. ``filing_payload`` is the payload of a filing event, whose stored text
    verify also checks."""

    seq: int
    stream: str
    version: int
    id_ok: bool
    prev_hash: str
    hash: str
    hashed: bytes | None
    filing_payload: str | None


def link_of(row: EventRow, v2_from: int) -> ChainLink:
    """A ChainLink built in Python, for engines that do not build the content themselves."""
    try:
        hashed = (row.prev_hash + row_content(row, v2_from)).encode("utf-8")
    except (TypeError, ValueError):
        hashed = None
    try:
        id_ok = row.event_id == ids.event_id(row.stream, row.version)
    except (TypeError, ValueError, AttributeError):   # a stream that is not text: verify says so
        id_ok = False
    return ChainLink(row.seq, row.stream, row.version, id_ok, row.prev_hash, row.hash, hashed,
                     row.payload if row.type == FilingRecorded.TYPE else None)


def encode(event: Event) -> EncodedEvent:
    cls = type(event)
    if BY_TYPE.get(cls.TYPE) is not cls:  # what cannot be read back must not be written
        raise ValueError(f"{cls.__name__} is not a registered event type")
    return EncodedEvent(cls.TYPE, cls.SCHEMA_VERSION, event.effective_date.isoformat(),
                        to_json(event), event.provenance.sentence)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def iso(value: date | None) -> str | None:
    if isinstance(value, datetime):   # a datetime's ISO text would sort after its own date
        value = value.date()
    return None if value is None else value.isoformat()


def to_date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def chained_rows(info: StreamInfo, encoded: Sequence[EncodedEvent], *, head: tuple[int, str],
                 recorded_at: str, v2_from: int) -> list[EventRow]:
    """The rows of one filing, numbered and chained after ``head`` (chained_values as EventRows)."""
    return [EventRow(*values) for values in chained_values(info, encoded, head=head, recorded_at=recorded_at,
                                                          v2_from=v2_from)]


def chained_values(info: StreamInfo, encoded: Sequence[EncodedEvent], *, head: tuple[int, str],
                   recorded_at: str, v2_from: int) -> list[tuple]:
    """The rows of one filing as tuples in COLUMNS order, numbered and chained after ``head``;
    rows from seq ``v2_from`` on hash chain v2's content (ledger/store/chain.py), built once per
    row from the stored text. Tuples, not EventRows: an engine's INSERT takes them as they are."""
    seq, prev = head
    public_date = iso(info.public_date)
    stream, issuer_key = info.stream, info.issuer_key
    # ids.event_id(stream, version) is the stream's identifier and the version: the identifier once.
    id_prefix = ids.event_id(stream, 0)[:-1]
    # What every row of the filing shares in its v2 content, built once (chain.content_v2's text).
    stream_part = f"{len(stream)}:{stream}"
    issuer_part = f"{len(issuer_key)}:{issuer_key}"
    dates_part = ("-" if public_date is None else f"{len(public_date)}:{public_date}") + f"{len(recorded_at)}:{recorded_at}"
    rows = []
    for version, enc in enumerate(encoded, start=1):
        seq += 1
        eid = f"{id_prefix}{version}"
        if seq >= v2_from:
            s, v, sv, ty, ed, payload, quote = (str(seq), str(version), str(enc.schema_version), enc.type,
                                                enc.effective_date, enc.payload, enc.quote)
            content = (f"{len(s)}:{s}{len(eid)}:{eid}{stream_part}{len(v)}:{v}{issuer_part}{len(ty)}:{ty}"
                       f"{len(sv)}:{sv}{len(ed)}:{ed}{dates_part}{len(payload)}:{payload}{len(quote)}:{quote}")
        else:   # a ledger upgraded from schema 3 before it switched: never, once it has (see chain.py)
            content = chain.row_content_v1({
                "seq": seq, "event_id": eid, "stream": stream, "version": version, "issuer_key": issuer_key,
                "type": enc.type, "schema_version": enc.schema_version, "effective_date": enc.effective_date,
                "public_date": public_date, "recorded_at": recorded_at, "payload": enc.payload, "quote": enc.quote})
        new = link_hash(prev, content)
        rows.append((seq, eid, stream, version, issuer_key, enc.type, enc.schema_version, enc.effective_date,
                     public_date, recorded_at, enc.payload, enc.quote, prev, new))
        prev = new
    return rows


def decode(row: Mapping) -> Event:
    """The row's event; older schema versions are upcast to the current record."""
    return decode_event(row["seq"], row["event_id"], row["type"], row["schema_version"], row["payload"])


def decode_event(seq, event_id, type_name, schema_version, payload) -> Event:
    """A stored event from its columns. events.fastdecode reads a payload as cattrs would, faster,
    and hands anything it cannot prove it reads the same (an older schema version, a payload not
    as the codec writes it) to cattrs, so errors are the codec's own."""
    try:
        return fastdecode.from_json(type_name, schema_version, payload)
    except _unreadable() as e:
        reason = e.args[0] if isinstance(e, KeyError) and e.args else e
        raise UnreadableEvent(f"cannot read seq {seq} ({event_id}, {type_name} "
                              f"v{schema_version}): {reason}") from e


def _unreadable() -> tuple[type[BaseException], ...]:
    """What a payload this program cannot read raises: an extra key is a CattrsError. Asked only
    once something was raised, so a replay that decodes every row fast never imports cattrs."""
    from cattrs.errors import CattrsError
    return ValueError, KeyError, TypeError, CattrsError


def to_stored(row: Mapping) -> StoredEvent:
    return stored_of(tuple(row[name] for name in COLUMNS))


_stored_event = fastdecode.plain_maker(StoredEvent)   # StoredEvent(**columns), a little cheaper


def stored_of(values: Sequence) -> StoredEvent:
    """A StoredEvent from a row's columns in COLUMNS order: a cursor's tuple, so the read path
    builds no dict per row."""
    (seq, event_id, stream, version, issuer_key, type_name, schema_version, effective_date, public_date,
     recorded_at, payload, quote, prev_hash, hash_) = values
    return _stored_event(
        seq=seq, event_id=event_id, stream=stream, version=version, issuer_key=issuer_key, type=type_name,
        schema_version=schema_version, effective_date=date.fromisoformat(effective_date),
        public_date=to_date(public_date), recorded_at=recorded_at, quote=quote, prev_hash=prev_hash,
        hash=hash_, event=decode_event(seq, event_id, type_name, schema_version, payload),
    )


def with_filing_facts(info: StreamInfo, encoded: Sequence[EncodedEvent], events: Sequence[Event] | None = None) -> StreamInfo:
    """The stream's date of report and what it amends, from its filing event read as this
    release reads it (upcast), so the columns amendment matching filters on are never stale."""
    if not encoded or encoded[0].type != FilingRecorded.TYPE:
        return attrs.evolve(info, report_date=None, amends=None)
    first = encoded[0]
    head = events[0] if events else decode({"seq": 0, "event_id": "(new)", "type": first.type,
                                            "schema_version": first.schema_version, "payload": first.payload})
    return attrs.evolve(info, report_date=head.report_date, amends=head.amends)


def stored_events(rows: Sequence[EventRow | tuple], events: Sequence[Event] | None) -> list[StoredEvent]:
    """What an append returns, from its rows (EventRows, or tuples in COLUMNS order). Events handed
    to ``append`` are of registered types, encoded by the codec whose round trip the tests prove,
    so they are returned as they are: decoding every event back before the commit cost a fifth of
    an append. Rows that came encoded from elsewhere (``append_encoded``: a copy, an older schema)
    are decoded before the commit, so what cannot be read back is not written."""
    rows = [row.values() if isinstance(row, EventRow) else row for row in rows]
    if events is None:
        return [stored_of(row) for row in rows]
    out, dates = [], {}
    for (seq, event_id, stream, version, issuer_key, type_name, schema_version, _effective, public_date,
         recorded_at, _payload, quote, prev_hash, hash_), event in zip(rows, events, strict=True):
        if public_date not in dates:   # one filing's rows share it: parsed once
            dates[public_date] = to_date(public_date)
        out.append(_stored_event(
            seq=seq, event_id=event_id, stream=stream, version=version, issuer_key=issuer_key, type=type_name,
            schema_version=schema_version, effective_date=event.effective_date, public_date=dates[public_date],
            recorded_at=recorded_at, quote=quote, prev_hash=prev_hash, hash=hash_, event=event))
    return out


def stream_values(info: StreamInfo, recorded_at: str) -> dict:
    """The stream row's columns."""
    return {
        "stream": info.stream, "issuer_key": info.issuer_key, "issuer_name": info.issuer.name,
        "cik": info.issuer.cik, "file_number": info.issuer.file_number, "form": info.form,
        "public_date": iso(info.public_date), "source_name": info.source_name,
        "raw_sha256": info.raw_sha256, "recorded_at": recorded_at,
        "report_date": iso(info.report_date), "amends": info.amends,
    }


def to_stream_info(r: Mapping) -> StreamInfo:
    return StreamInfo(
        stream=r["stream"], issuer_key=r["issuer_key"],
        issuer=Issuer(r["issuer_name"], r["cik"], r["file_number"]),
        form=r["form"], public_date=to_date(r["public_date"]),
        source_name=r["source_name"], raw_sha256=r["raw_sha256"],
        report_date=to_date(r["report_date"]), amends=r["amends"],
    )


def ensure_events(info: StreamInfo, encoded: Sequence) -> None:
    if not encoded:
        raise ValueError(f"{info.stream}: a stream needs at least one event")

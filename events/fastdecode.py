"""Reading stored events fast: a structure function per event class, generated from its attrs fields.

Replay decodes every stored event, and cattrs' generic path (a dispatch per field, a converter and
validators per attribute, an ``__init__`` per nested record) was two thirds of it. The function
generated here accepts a payload only when it can prove the result is the event cattrs would give:

- every field is present and no other key is (cattrs: forbid_extra_keys);
- each value has exactly the JSON type the codec writes (str for text, decimals and dates, int for
  counts, bool, list for tuples, dict for records), so the structuring is the same call cattrs
  makes (``Decimal(v)``, ``date.fromisoformat(v)``, an enum's member by value) or none at all;
- each attribute's converter is one known to return such a value unchanged (``tuple`` of a tuple,
  an enum of its member, events.records' DECIMAL of a finite Decimal and INT of an int), so it is
  skipped; a converter it does not know leaves the class to cattrs;
- the validators run (the known rules inline, others called), and ``__attrs_post_init__``.

Anything else (another type, a missing or extra key, a failed rule, an older schema version) falls
back to ``events.codec.from_payload``, so what it accepts and every error it raises stay cattrs'.
The objects are made as attrs' own ``__init__`` makes them: ``object.__new__`` and
``object.__setattr__`` per slot. tests/test_fastdecode.py checks the equality over every type.
"""
from __future__ import annotations

import enum
import json
import json.scanner
import types
import typing
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import attrs

from events import codec, records, rules
from events.basis import Basis, QuantityBasis
from events.provenance import Provenance, Quote
from events.registry import ALL_EVENTS, BY_TYPE

Builder = Callable[[dict], object]


class Unsupported(Exception):
    """A field the generator cannot prove it reads as cattrs does: the class is left to cattrs."""


# Converters that return, unchanged, the values the generated code produces for them.
_IDENTITY_CONVERTERS = {tuple, rules.as_tuple, records._consideration_kind}
_DECIMAL, _INT = records.DECIMAL, records.INT
# The rule closures of events.records.basis(): "a None figure needs a basis other than stated".
_EXPLAINED_CODE = records._known_or_explained("x").__code__


def _is_optional(tp) -> tuple[bool, object]:
    args = typing.get_args(tp)
    if typing.get_origin(tp) in (typing.Union, types.UnionType) and len(args) == 2 and type(None) in args:
        return True, next(a for a in args if a is not type(None))
    return False, tp


class _Generator:
    """Python source for the builders of a set of attrs classes, and the names it refers to."""

    def __init__(self):
        self.names: dict[str, object] = {
            "_new": object.__new__, "_set": object.__setattr__, "_Decimal": Decimal,
            "_fromiso": date.fromisoformat, "_str": str, "_int": int, "_bool": bool, "_list": list,
            "_dict": dict, "_tuple": tuple, "_None": None,
            "_EARLY": rules.EARLIEST_DATE, "_LATE": rules.LATEST_DATE, "_MAX_COUNT": rules.MAX_EXACT_COUNT,
            "_MAX_SPLIT": rules.MAX_SPLIT_FACTOR, "_Reject": _Reject,
        }
        self.sources: dict[type, str] = {}
        self.failed: dict[type, str] = {}

    def name(self, prefix: str, value) -> str:
        for key, known in self.names.items():
            if known is value and key.startswith(prefix):
                return key
        key = f"{prefix}{len(self.names)}"
        self.names[key] = value
        return key

    def builder(self, cls: type) -> str:
        """The name of ``cls``'s builder, generating it (and its nested records') first."""
        fn = f"_build_{cls.__name__}_{id(cls)}"
        if cls in self.failed:
            raise Unsupported(self.failed[cls])
        if cls not in self.sources:
            self.sources[cls] = ""   # a recursive record type is not supported: refuse it below
            try:
                self.sources[cls] = self._class_source(cls, fn)
            except Unsupported as e:
                del self.sources[cls]
                self.failed[cls] = str(e)
                raise
        elif not self.sources[cls]:
            raise Unsupported(f"{cls.__name__} refers to itself")
        return fn

    def _class_source(self, cls: type, fn: str) -> str:
        if not attrs.has(cls):
            raise Unsupported(f"{cls.__name__} is not an attrs class")
        if hasattr(cls, "__attrs_pre_init__") or getattr(cls, "__attrs_init__", None) is not None:
            raise Unsupported(f"{cls.__name__} has its own init steps")
        attrs.resolve_types(cls)
        fields = attrs.fields(cls)
        lines = [f"def {fn}(p):",
                 f"    if p.__class__ is not _dict or len(p) != {len(fields)}: raise _Reject",
                 f"    o = _new({self.name('_cls', cls)})"]
        checks = []
        for a in fields:
            if not a.init or a.alias != a.name:
                raise Unsupported(f"{cls.__name__}.{a.name} is not a plain init field")
            var = f"x_{a.name}"
            lines.append(f"    v = p[{a.name!r}]")
            lines += ["    " + line for line in self._value(a.type, "v", var, a.converter)]
            lines.append(f"    {self._setter(cls, a.name)}(o, {var})")
            checks += self._checks(cls, a, var)
        lines += ["    " + c for c in checks]
        if hasattr(cls, "__attrs_post_init__"):
            lines.append("    o.__attrs_post_init__()")
        lines.append("    return o")
        return "\n".join(lines)

    def _setter(self, cls: type, name: str) -> str:
        """What sets the attribute as attrs' own __init__ does (object.__setattr__, past the frozen
        class's refusal): its slot's member descriptor, a little faster, or object.__setattr__."""
        for klass in cls.__mro__:
            if name in vars(klass):
                slot = vars(klass)[name]
                if type(slot) is types.MemberDescriptorType:
                    return self.name("_slot", slot.__set__)
                break
        return f"(lambda o, x: _set(o, {name!r}, x))"

    def _value(self, tp, src: str, var: str, converter) -> list[str]:
        """Lines that set ``var`` from the JSON value ``src`` as cattrs structures it, or raise."""
        optional, inner = _is_optional(tp)
        if converter is not None and not self._converter_keeps(converter, inner, optional):
            raise Unsupported(f"converter {converter!r} on {tp!r}")
        body = self._required(inner, src, var)
        if not optional:
            return body
        return [f"if {src} is None: {var} = None", "else:"] + ["    " + line for line in body]

    @staticmethod
    def _converter_keeps(converter, inner, optional: bool) -> bool:
        """Whether ``converter`` returns the values generated for ``inner`` (and None) unchanged."""
        if converter is _DECIMAL:
            return inner is Decimal                          # a finite Decimal; finiteness is checked
        if converter is _INT:
            return inner is int                              # an int that is not a bool; None stays None
        if optional:
            return False
        if converter is tuple or converter is rules.as_tuple:
            return typing.get_origin(inner) is tuple
        if converter is records._consideration_kind:
            return inner is records.ConsiderationKind
        return isinstance(converter, type) and issubclass(converter, enum.Enum) and converter is inner

    def _required(self, tp, src: str, var: str) -> list[str]:
        if tp is typing.Any:
            return [f"{var} = {src}"]                        # cattrs hands Any through as it is
        if tp in (str, int, bool):                          # cattrs: str(v), int(v), bool(v): same for exact types
            return [f"if {src}.__class__ is not _{tp.__name__}: raise _Reject", f"{var} = {src}"]
        if tp is Decimal:
            return [f"if {src}.__class__ is not _str: raise _Reject",
                    f"{var} = _Decimal({src})",              # the codec's hook; DECIMAL keeps a finite one
                    f"if not {var}.is_finite(): raise _Reject"]
        if tp is date:
            return [f"if {src}.__class__ is not _str: raise _Reject", f"{var} = _fromiso({src})"]
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            if not all(type(m.value) is str for m in tp) or "_missing_" in vars(tp):
                raise Unsupported(f"enum {tp.__name__}")
            # E(v) for a str v is the member whose value equals it: the same lookup, by value.
            return [f"if {src}.__class__ is not _str: raise _Reject",
                    f"{var} = {self.name('_members', {m.value: m for m in tp})}[{src}]"]
        if attrs.has(tp):
            return [f"{var} = {self.builder(tp)}({src})"]
        if typing.get_origin(tp) is tuple:
            args = typing.get_args(tp)
            if len(args) != 2 or args[1] is not Ellipsis:
                raise Unsupported(f"tuple type {tp!r}")
            item = args[0]
            lines = [f"if {src}.__class__ is not _list: raise _Reject"]
            if item in (str, int, bool):
                return lines + [f"for e in {src}:", f"    if e.__class__ is not _{item.__name__}: raise _Reject",
                                f"{var} = _tuple({src})"]
            if item is date:
                return lines + [f"for e in {src}:", "    if e.__class__ is not _str: raise _Reject",
                                f"{var} = _tuple([_fromiso(e) for e in {src}])"]
            if attrs.has(item):
                return lines + [f"{var} = _tuple([{self.builder(item)}(e) for e in {src}])"]
            raise Unsupported(f"tuple of {item!r}")
        raise Unsupported(f"type {tp!r}")

    def _checks(self, cls: type, a: attrs.Attribute, var: str) -> list[str]:
        """The attribute's validators: the rules of events.rules inline, any other called."""
        found = a.validator
        if found is None:
            return []
        validators = getattr(found, "_validators", (found,))   # attrs' and_() of a list
        out = []
        for v in validators:
            if v is rules.not_negative:
                out.append(f"if {var} is not None and {var} < 0: raise _Reject")
            elif v is rules.positive:
                out.append(f"if {var} is not None and {var} <= 0: raise _Reject")
            elif v is rules.exact_in_json:
                out.append(f"if {var} is not None and {var} > _MAX_COUNT: raise _Reject")
            elif v is rules.split_side:
                out.append(f"if not 1 <= {var} <= _MAX_SPLIT: raise _Reject")
            elif v is rules.in_range:
                if typing.get_origin(a.type) is tuple:
                    out += [f"for d in {var}:", "    if not _EARLY <= d <= _LATE: raise _Reject"]
                else:
                    out.append(f"if {var} is not None and not _EARLY <= {var} <= _LATE: raise _Reject")
            elif getattr(v, "__code__", None) is _EXPLAINED_CODE:
                figure = v.__closure__[v.__code__.co_freevars.index("figure")].cell_contents
                out.append(f"if x_{figure} is None and {var} in ({self.name('_B', Basis.STATED)}, "
                           f"{self.name('_Q', QuantityBasis.FIXED)}): raise _Reject")
            elif v is Provenance._not_empty:
                out.append(f"if not {var}: raise _Reject")
            elif v is Quote._end_after_start:
                out.append(f"if {var} < x_start: raise _Reject")
            else:   # not a rule we know: call it as attrs would, after every field is set
                out.append(f"{self.name('_validator', v)}(o, {self.name('_attribute', a)}, {var})")
        return out


def plain_maker(cls: type) -> Callable[..., object]:
    """``cls(**fields)`` for an attrs record with no converter, validator, default or init step
    (events.envelope.StoredEvent): the same object, its slots set through their descriptors."""
    fields = attrs.fields(cls)
    plain = all(a.init and a.alias == a.name and a.converter is None and a.validator is None
                and a.default is attrs.NOTHING for a in fields)
    if not plain or hasattr(cls, "__attrs_post_init__") or hasattr(cls, "__attrs_pre_init__"):
        return cls
    gen = _Generator()
    names = ", ".join(a.name for a in fields)
    lines = [f"def make(*, {names}):", f"    o = _new({gen.name('_cls', cls)})"]
    lines += [f"    {gen._setter(cls, a.name)}(o, {a.name})" for a in fields]
    scope = dict(gen.names)
    exec(compile("\n".join(lines + ["    return o"]), f"<events.fastdecode {cls.__name__}>", "exec"), scope)  # noqa: S102
    return scope["make"]


class _Reject(Exception):
    """The payload is not one the fast path can prove it reads as cattrs does."""


class _Builders:
    """The builders, each generated on first use of its event type: generating and compiling all
    of them was 15 ms of every start-up, and a one-issuer replay meets a few types."""

    def __init__(self):
        self.gen = _Generator()
        self.scope: dict[str, object] = {}
        self.compiled: set[type] = set()
        self.by_type: dict[str, tuple[int, Builder] | None] = {}

    def of(self, cls: type) -> Builder | None:
        """``cls``'s builder, or None when the generator leaves it to cattrs."""
        try:
            fn = self.gen.builder(cls)
        except Unsupported:
            return None
        new = [c for c in self.gen.sources if c not in self.compiled]
        if new:
            self.scope.update(self.gen.names)
            source = "\n\n".join(self.gen.sources[c] for c in new)
            exec(compile(source, "<events.fastdecode>", "exec"), self.scope)   # noqa: S102 - our own generated source
            self.compiled.update(new)
        return self.scope[fn]

    def for_type(self, type_name: str) -> tuple[int, Builder] | None:
        known = self.by_type.get(type_name, False)
        if known is False:
            cls = BY_TYPE.get(type_name)
            build = None if cls is None else self.of(cls)
            known = self.by_type[type_name] = None if build is None else (cls.SCHEMA_VERSION, build)
        return known


_BUILDERS = _Builders()


def __getattr__(name: str):
    """BUILDERS (event class -> builder) and UNSUPPORTED (class -> why not), every type generated."""
    if name in ("BUILDERS", "UNSUPPORTED"):
        built = {cls: _BUILDERS.of(cls) for cls in ALL_EVENTS}
        if name == "BUILDERS":
            return {cls: build for cls, build in built.items() if build is not None}
        return dict(_BUILDERS.gen.failed)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# A scanner as json.loads' own decoder has, called without its wrappers (which cost as much as the
# scan itself on these short texts): the same object when it scans the whole text from 0.
_scan = json.scanner.make_scanner(json.JSONDecoder())


def from_json(type_name: str, schema_version: int, text: str) -> object:
    """``events.codec.from_json``, fast when it can be: the same events, the same errors."""
    try:
        payload, end = _scan(text, 0)
        if end != len(text):
            raise ValueError(text)
    except Exception:   # noqa: BLE001 - json.loads decides (whitespace around, not JSON, not text)
        payload = json.loads(text)
    return from_payload(type_name, schema_version, payload)


def from_payload(type_name: str, schema_version: int, payload) -> object:
    """``events.codec.from_payload(type_name, schema_version, payload)``, fast when it can be."""
    known = _BUILDERS.for_type(type_name)
    if known is not None and schema_version == known[0]:
        try:
            return known[1](payload)
        except Exception:   # noqa: BLE001 - whatever the fast path refuses, cattrs decides
            pass
    return codec.from_payload(type_name, schema_version, payload)

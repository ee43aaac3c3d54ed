"""Typed backend options: each backend declares one dataclass of the settings it takes.

Values arrive as a mapping from two places: the CLI's engine flags that the user set
(``--model``, ``--api-base``, ``--concurrency`` ...) and free ``--engine-option KEY=VALUE``
pairs. ``from_values`` converts strings to the declared types and refuses keys the backend does
not take, with a message that names the backend and the keys it knows: a typo never disappears
silently, and it never changes the cache key.

A field whose value changes what the model answers (model, adapter, dtype, context length) is
declared with ``answer_field(...)``; only those enter the result cache key (``answer_identity``).
Speed-only settings (concurrency, timeouts, memory shares) stay out of it, so tuning a run
never throws away its cache.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar, Union

from midb_cli.errors import UsageError
from midb_cli.llm.endpoint import display_url

_ANSWER = "midb_answer"
_HELP = "midb_help"
#: how an option's name says it holds a secret (`hf_token`, `api_key`, `client_secret`,
#: `s3_secret_access_key`): its last word, or any word for the unmistakable ones. Such a value
#: would be written into OUT.run.json, the cache key or a shard plan, so it is refused. A name
#: ending in `_env` names an environment variable (`api_key_env`); `*_token_threshold` counts
#: tokens; a true/false value (`hf_token=true`: use the cached login) is no secret.
_SECRET_LAST_WORDS = frozenset(
    {"token", "key", "apikey", "secret", "password", "passwd", "pwd", "credential", "credentials"}
)
_SECRET_WORDS = frozenset({"secret", "password", "passwd", "credential", "credentials"})

OptionsT = TypeVar("OptionsT", bound="BackendOptions")


def answer_field(default: Any = dataclasses.MISSING, *, help: str = "", **kwargs: Any) -> Any:
    """A dataclass field whose value changes the model's answers (part of the cache key)."""
    return dataclasses.field(default=default, metadata={_ANSWER: True, _HELP: help}, **kwargs)


def speed_field(default: Any = dataclasses.MISSING, *, help: str = "", **kwargs: Any) -> Any:
    """A dataclass field that changes only how fast answers come (not in the cache key)."""
    return dataclasses.field(default=default, metadata={_ANSWER: False, _HELP: help}, **kwargs)


@dataclasses.dataclass
class BackendOptions:
    """Base class of every backend's options. Subclasses are plain dataclasses of fields made
    with ``answer_field``/``speed_field`` (a bare field counts as answer-changing: the safe
    default for a cache). ``extra_allowed`` lets a backend accept keys it cannot list in
    advance (vLLM's engine arguments); they land in ``extra`` and are checked by the backend."""

    extra_allowed: ClassVar[bool] = False
    #: keys of ``extra`` that change speed only (the rest enter the cache key)
    speed_only_extra: ClassVar[frozenset[str]] = frozenset()

    extra: dict[str, Any] = dataclasses.field(default_factory=dict, metadata={_ANSWER: True})

    @classmethod
    def from_values(cls: type[OptionsT], values: Mapping[str, Any], backend: str) -> OptionsT:
        """Build the options from flag/--engine-option values; unknown keys are refused."""
        fields = {f.name: f for f in dataclasses.fields(cls) if f.name != "extra"}
        hints = typing.get_type_hints(cls)
        known: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for key, value in values.items():
            name = key.replace("-", "_")
            where = _secret_in(name, value, name not in fields)
            if where:
                raise UsageError(
                    f"engine {backend!r}: {where} looks like a secret, and midb never takes a "
                    "secret as an option (it would be written into the run's files): set it in "
                    "the environment (HF_TOKEN for a Hugging Face token, --api-key-env NAME for "
                    "an API key)"
                )
            if name in fields:
                known[name] = _convert(value, hints[name], key, backend)
            elif cls.extra_allowed:
                extra[name] = value
            else:
                raise UsageError(
                    f"engine {backend!r} does not take {_flag(key)}; it takes: "
                    + ", ".join(_flag(n) for n in sorted(fields))
                )
        try:
            options = cls(**known, extra=extra)
        except TypeError as exc:  # a required field is missing
            raise UsageError(f"engine {backend!r}: {exc}") from None
        options.validate(backend)
        return options

    def validate(self, backend: str) -> None:
        """Cross-field checks; raise ``UsageError`` with the flag to fix."""

    def answer_identity(self) -> dict[str, Any]:
        """The settings that change answers, as a JSON-able dict for the cache key."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            if f.name == "extra" or not f.metadata.get(_ANSWER, True):
                continue
            out[f.name] = getattr(self, f.name)
        extra = {k: v for k, v in sorted(self.extra.items()) if k not in self.speed_only_extra}
        if extra:
            out["extra"] = extra
        return out

    @classmethod
    def describe(cls) -> list[tuple[str, str, str]]:
        """(key, type, help) for every option, for `midb engines --options`-style listings."""
        hints = typing.get_type_hints(cls)
        return [
            (f.name, _type_name(hints[f.name]), str(f.metadata.get(_HELP, "")))
            for f in dataclasses.fields(cls)
            if f.name != "extra"
        ]


def _secret_in(name: str, value: Any, deep: bool) -> str:
    """Where ``value`` of option ``name`` holds a secret ("" if nowhere): the option itself
    by its name; ``deep`` (a free engine argument, written as given): also a key inside its
    JSON value, or a URL with a password anywhere in it (`model_loader_extra_config=
    {"s3_secret_access_key": ...}`, `otlp_traces_endpoint=http://u:pw@host`)."""
    parts = name.lower().strip("_").split("_")
    if (
        parts[-1] != "env"
        and (parts[-1] in _SECRET_LAST_WORDS or not _SECRET_WORDS.isdisjoint(parts))
        and not isinstance(value, bool)
        and value is not None
    ):
        return f"the option {name!r}"
    if not deep:
        return ""
    if isinstance(value, dict):
        inner = next((w for k, v in value.items() if (w := _secret_in(str(k), v, True))), "")
        return f"{inner} in {name!r}" if inner else ""
    if isinstance(value, (list, tuple)):
        return next((w for v in value if (w := _secret_in(name, v, True))), "")
    if isinstance(value, str) and display_url(value) != value.strip():
        return f"the URL in {name!r} (it has a password)"
    return ""


def _flag(key: str) -> str:
    return key.replace("_", "-") if key.startswith("-") else key


def _type_name(hint: Any) -> str:
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if typing.get_origin(hint) in (Union, types.UnionType) and len(args) == 1:
        return _type_name(args[0])
    if typing.get_origin(hint) is list:
        return "list"
    return getattr(hint, "__name__", str(hint))


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def _convert(value: Any, hint: Any, key: str, backend: str) -> Any:
    """``value`` (often a string from the command line) as the declared type ``hint``."""
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if value is None:
            return None
        if len(args) == 1:
            return _convert(value, args[0], key, backend)
        return value
    if origin is list:
        (item,) = typing.get_args(hint) or (str,)
        items = value if isinstance(value, (list, tuple)) else [value]
        return [_convert(v, item, key, backend) for v in items]
    try:
        if hint is bool:
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in _TRUE:
                return True
            if text in _FALSE:
                return False
            raise ValueError(value)
        if hint is int:
            if isinstance(value, bool):
                raise ValueError(value)
            return int(value)
        if hint is float:
            if isinstance(value, bool):
                raise ValueError(value)
            return float(value)
        if hint is str:
            return str(value)
    except (TypeError, ValueError):
        kind = _type_name(hint)
        raise UsageError(f"engine {backend!r}: {key}={value!r} is not a valid {kind}") from None
    return value

"""`midb train-data`: a booster's SFT set from MEB-style files (raw and revised pairs).

Each example is one conversation: the messages `midb boost --prompt P` sends for the raw pair
(same prompt file, same deterministic fixes, same language identification with the file's
prior), then the revised pair as the assistant's answer (``targets.py``). Written as OpenAI
``messages`` or ``sharegpt`` JSONL, with a LLaMA-Factory ``dataset_info.json`` entry beside it.
Token lengths (a proxy, or a real tokenizer with ``tokenizer``) are reported per language and
examples longer than ``cutoff_len`` are flagged (a trainer truncates them, cutting the tags of
the answer), or left out with ``drop_over_cutoff``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from midb_cli.boost.paths import default_rejects_path
from midb_cli.errors import InputError, UsageError, refuse_no_record
from midb_cli.export.formats import chat_record, dataset_info_entry
from midb_cli.export.targets import build_target, proxy_tokens
from midb_cli.export.writer import record_sink
from midb_cli.jsonio import JSONError, dumps, loads
from midb_cli.judge.pairs import ReaderOptions
from midb_cli.records.output_names import refuse_misnamed_output
from midb_cli.records.paths import refuse_clashes
from midb_cli.records.reader import Record, RecordReader, Reject
from midb_cli.records.writer import RejectsWriter, atomic_writer

TRAIN_FORMATS = ("messages", "sharegpt")
DEFAULT_CUTOFF = 4096  # the paper's training cut-off


@dataclass
class TrainDataOptions:
    inputs: list[str]
    output: str
    prompt: str = "midb"
    format: str = "messages"
    fixes: bool = True
    cutoff_len: int = DEFAULT_CUTOFF
    drop_over_cutoff: bool = False
    tokenizer: str | None = None
    #: where the LLaMA-Factory entry goes (None: dataset_info.json beside the output; "" none)
    dataset_info: str | None = None
    dataset_name: str | None = None
    lang: str | None = None
    detector: str = "auto"
    reader: ReaderOptions = field(default_factory=ReaderOptions)
    rejects: str | None = None


@dataclass
class LengthStats:
    examples: int = 0
    over_cutoff: int = 0
    lengths: list[int] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        ordered = sorted(self.lengths)

        def quantile(q: float) -> int | None:
            return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else None

        return {
            "examples": self.examples,
            "over_cutoff": self.over_cutoff,
            "p50": quantile(0.5),
            "p95": quantile(0.95),
            "max": ordered[-1] if ordered else None,
        }


@dataclass
class TrainDataResult:
    output: str
    rejects_path: str
    dataset_info: str | None
    tokens: str  # "proxy" or the tokenizer path
    records: int = 0
    written: int = 0
    rejected: int = 0
    trimmed: int = 0
    languages: dict[str, LengthStats] = field(default_factory=dict)
    over_cutoff_ids: list[str] = field(default_factory=list)
    reject_reasons: dict[str, int] = field(default_factory=dict)
    reject_samples: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "written": self.written,
            "rejected": self.rejected,
            "trimmed": self.trimmed,
            "tokens": self.tokens,
            "languages": {k: v.to_json() for k, v in sorted(self.languages.items())},
            "over_cutoff_ids": self.over_cutoff_ids[:20],
            "reject_reasons": self.reject_reasons,
        }


def run_train_data(options: TrainDataOptions) -> TrainDataResult:
    from midb_cli.checks import Checker
    from midb_cli.langid import LanguageIdentifier
    from midb_cli.llm.prompts import load_prompt

    if options.format not in TRAIN_FORMATS:
        raise UsageError(f"--format must be one of {', '.join(TRAIN_FORMATS)}")
    if options.cutoff_len < 1:
        raise UsageError("--cutoff-len must be at least 1")
    if options.output == "-" or options.output.endswith(".gz"):
        raise UsageError("-o must be a plain .jsonl or .json file")
    refuse_misnamed_output(options.output, array=True)
    rejects_path = options.rejects or default_rejects_path(options.output)
    info_path = options.dataset_info
    if info_path is None:
        info_path = str(Path(options.output).resolve().parent / "dataset_info.json")
    refuse_clashes(
        {"-o": options.output, "--rejects": rejects_path, "--dataset-info": info_path or None},
        options.inputs,
    )
    prompt = load_prompt(options.prompt)
    count = _token_counter(options.tokenizer)
    identifier = LanguageIdentifier(backend=options.detector, lang=options.lang)
    checker = Checker(identifier) if options.fixes else None
    result = TrainDataResult(
        options.output, rejects_path, info_path or None, options.tokenizer or "proxy"
    )
    with RejectsWriter(rejects_path) as rejects, record_sink(options.output) as sink:
        for path in options.inputs:
            for item, lang in _languages(path, options, identifier):
                if isinstance(item, Record):
                    result.records += 1
                    reason = _example(item, lang, prompt, checker, options, count, sink, result)
                    if reason is None:
                        continue
                    result.reject_reasons[reason] = result.reject_reasons.get(reason, 0) + 1
                    item = Reject(item.path, item.line, reason)
                rejects.write(item)
                result.rejected += 1
                if len(result.reject_samples) < 3:
                    result.reject_samples.append(str(item))
        # Inside the sink: a run that made no example leaves no empty -o behind (the
        # rejects, which say why, stay)
        refuse_no_record(options.inputs, result.records, result.rejected)
        if result.written == 0:
            reasons = ", ".join(f"{n:,} {r}" for r, n in sorted(result.reject_reasons.items()))
            raise InputError(
                f"no training example: every record was refused ({reasons or 'bad lines'}); "
                f"see {rejects_path}"
            )
    if info_path:
        name = options.dataset_name or Path(options.output).stem
        _write_dataset_info(
            info_path, name, dataset_info_entry(_file_name(options, info_path), options.format)
        )
    return result


def _file_name(options: TrainDataOptions, info_path: str) -> str:
    out = Path(options.output).resolve()
    try:
        return str(out.relative_to(Path(info_path).resolve().parent))
    except ValueError:
        return str(out)


def _languages(
    path: str, options: TrainDataOptions, identifier: Any
) -> Iterator[tuple[Record | Reject, Any]]:
    """Each record with its language, identified as `midb boost` does: the file's prior from
    its first records, then each raw pair."""
    from midb_cli.langid.stream import with_file_prior

    reader = RecordReader(
        path,
        schema=options.reader.schema,
        fields=options.reader.fields,
        id_key=options.reader.id_key,
        strict=options.reader.strict,
    )
    items, prior = with_file_prior(iter(reader), identifier)
    for item in items:
        if isinstance(item, Reject):
            yield item, None
        else:
            yield item, identifier.identify(item.pair, prior)


def _example(
    record: Record,
    record_lang: Any,
    prompt: Any,
    checker: Any,
    options: TrainDataOptions,
    count: Callable[[str], int],
    sink: Any,
    result: TrainDataResult,
) -> str | None:
    """Write one example; returns why not, when the record cannot be one."""
    from midb_cli.checks.fixes import fix_pair

    if record.revision is None:
        return "no revised pair (an MEB file with Revised keys, or a boost output)"
    raw, revised = record.revision
    lang = record_lang.lang
    sent = raw
    if checker is not None:
        findings = checker.check(raw, record_lang, None)
        if findings:
            sent = fix_pair(raw, lang, findings, None).pair
    target, why = build_target(revised, prompt.answer)
    if target is None:
        return why
    if target != _untrimmed_target(revised, prompt.answer):
        result.trimmed += 1
    messages = prompt.render(sent, lang)
    messages.append({"role": "assistant", "content": target})
    length = sum(count(m["content"]) for m in messages)
    stats = result.languages.setdefault(lang, LengthStats())
    if length > options.cutoff_len:
        stats.over_cutoff += 1
        if len(result.over_cutoff_ids) < 1000:
            result.over_cutoff_ids.append(f"{record.path}:{record.line}")
        if options.drop_over_cutoff:
            return f"longer than --cutoff-len {options.cutoff_len} tokens"
    stats.examples += 1
    stats.lengths.append(length)
    sink.write(chat_record(messages, options.format))
    result.written += 1
    return None


def _untrimmed_target(revised: Any, answer_format: str) -> str:
    from midb_cli.export.targets import target_text

    return target_text(revised, answer_format)


def _token_counter(tokenizer: str | None) -> Callable[[str], int]:
    if tokenizer is None:
        return proxy_tokens
    try:
        from transformers import AutoTokenizer
    except ImportError:
        raise UsageError("--tokenizer needs transformers: pip install transformers") from None
    try:
        tok = AutoTokenizer.from_pretrained(tokenizer)
    except Exception as exc:  # any loading failure is the user's path or files
        raise UsageError(f"--tokenizer {tokenizer}: cannot load: {exc}") from None
    return lambda text: len(tok.encode(text, add_special_tokens=False))


def _write_dataset_info(path: str, name: str, entry: dict[str, Any]) -> None:
    """Add (or replace) this dataset's entry; the file's other entries are kept."""
    info: dict[str, Any] = {}
    if os.path.exists(path):
        try:
            loaded = loads(Path(path).read_bytes())
        except (OSError, JSONError) as exc:
            raise InputError(f"{path}: cannot read it as JSON ({exc}); fix or remove it") from None
        if not isinstance(loaded, dict):
            raise InputError(f"{path}: not a JSON object; fix or remove it")
        info = loaded
    info[name] = entry
    with atomic_writer(path) as fh:
        fh.write(dumps(info) + b"\n")

"""The `vllm` engine for real, on CPU: a tiny random-weight Llama built here, no download.

The tests marked ``vllm`` need the vLLM CPU build (README, "Real vLLM on CPU") and are skipped
with the reason when vllm is not importable. Each engine start takes about a minute, so they
start three: one for the backend's own contract, two for `midb boost` through the CLI. Run them
with ``pytest -m vllm``. The one unmarked test runs in the default suite, where vllm is absent:
the engine must then say how to install it, with the engine exit code.

What random weights prove: the model emits garbage, so every record must end as ``fallback``
with its original kept (or ``skipped`` for the record made too long on purpose). What structured
output proves: a regex that admits only one tagged revision forces the real engine to emit it,
so the parse -> guards -> write path ends ``boosted`` with exactly that text.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from midb_cli.cli.main import app
from midb_cli.errors import EXIT_ENGINE, EngineError, UsageError
from midb_cli.llm.backend import GenerationRequest, SamplingConfig
from midb_cli.llm.prompts import load_prompt
from midb_cli.llm.vllm import INSTALL_HINT, VLLMBackend, VLLMOptions, availability
from midb_cli.records.pair import Pair
from tiny_model import build_tiny_lora, build_tiny_model

VLLM_INSTALLED = importlib.util.find_spec("vllm") is not None
USABLE, WHY_NOT = availability()
needs_vllm = pytest.mark.skipif(not USABLE, reason=f"vllm cannot run here: {WHY_NOT}")

DATA = Path(__file__).parent / "data" / "vllm" / "meb_sample.jsonl"
MAX_MODEL_LEN = 1024
#: load_format=dummy: random weights, no weight files; gpu_memory_utilization is RAM on CPU
ENGINE_OPTIONS = {"load_format": "dummy", "gpu_memory_utilization": 0.3}
CLI_ENGINE_FLAGS = [
    "--engine",
    "vllm",
    "--max-model-len",
    str(MAX_MODEL_LEN),
    "--engine-option",
    "load_format=dummy",
    "--engine-option",
    "gpu_memory_utilization=0.3",
]


def _meb_records() -> list[dict[str, str]]:
    return [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]


def _raw(record: dict[str, str]) -> dict[str, str]:
    return {
        "id": record["id"],
        "instruction": record["Raw Instruction"],
        "input": record["Raw Input"],
        "output": record["Raw Response"],
    }


def _revised(record: dict[str, str]) -> dict[str, str]:
    return {
        "instruction": record["Revised Instruction"],
        "input": record["Revised Input"],
        "output": record["Revised Response"],
    }


def _long_record() -> dict[str, str]:
    # Numbered words: byte-level BPE splits every number into several tokens, so this is
    # thousands of tokens, far over MAX_MODEL_LEN.
    words = " ".join(f"Satz{n} Beispiel{n * 7}" for n in range(1500))
    return {
        "id": "too-long",
        "instruction": "Fasse den folgenden Text zusammen.",
        "input": "",
        "output": words,
    }


def _write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text(
        "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8"
    )
    return path


def _read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _tagged(instruction: str, input: str, response: str) -> str:
    return f"<|instruction|>{instruction}\n<|input|>{input}\n<|response|>{response}"


_REGEX_SPECIAL = re.compile(r"([\\.^$|?*+()\[\]{}/-])")


def _literal_regex(text: str) -> str:
    """A regex matching exactly ``text``; newlines written as ``\\n`` for the grammar engine."""
    return _REGEX_SPECIAL.sub(r"\\\1", text).replace("\n", r"\n")


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = [load_prompt("midb").user.source, _tagged("", "", "")]
    for record in _meb_records():
        corpus.extend(value for key, value in record.items() if key != "id")
    return build_tiny_model(tmp_path_factory.mktemp("tiny-llama"), corpus)


def _boost(tmp_path: Path, model_dir: Path, rows: list[dict], *extra: str) -> list[dict]:
    source = _write_jsonl(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.jsonl"
    args = ["boost", str(source), "-o", str(out), "--model", str(model_dir), "--prompt", "midb"]
    args += [*CLI_ENGINE_FLAGS, "--cache", str(tmp_path / "cache.sqlite"), "--quiet"]
    # A core-dependency detector: this test is about the engine, not language ID.
    args += ["--detector", "py3langid", *extra]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, (result.output, result.exception)
    return _read_jsonl(out)


# -- the backend's contract, with the real engine ------------------------------------------


@pytest.mark.vllm
@needs_vllm
def test_backend_contract_with_real_engine(model_dir: Path) -> None:
    # A window whose prompts (about 100 tokens each) exceed one step's token budget, so the
    # engine must spread prefills over steps: on vLLM's CPU build that crashed seeded requests
    # until the backend turned chunked prefill off there.
    window = 12
    max_model_len = 512
    config = VLLMOptions.from_values(
        {
            "model": str(model_dir),
            "max_model_len": max_model_len,
            "concurrency": window,
            **ENGINE_OPTIONS,
            "max_num_batched_tokens": max_model_len,
        },
        "vllm",
    )
    backend = VLLMBackend(config)
    try:
        assert backend.max_model_len == max_model_len
        sampling = SamplingConfig(max_tokens=24)
        prompt = load_prompt("midb")
        records = _meb_records()
        requests = []
        for n, record in enumerate(records * 10):
            pair = _raw(record)
            messages = prompt.render(_pair(pair), "de")
            seed = 0 if n < 6 else 1  # r0 and r3: same record, same seed; r6: another seed
            requests.append(GenerationRequest(f"r{n}", messages, sampling, seed=seed))
        long_messages = prompt.render(_pair(_long_record()), "de")
        requests.append(GenerationRequest("long", long_messages, sampling, seed=0))
        choice = GenerationRequest(
            "choice",
            [{"role": "user", "content": "ja oder nein?"}],
            SamplingConfig(max_tokens=32),
            seed=0,
            structured={"regex": r"<\|response\|>(ja|nein)"},
        )
        requests.append(choice)

        pulled = 0
        outstanding_at_yield: list[int] = []

        def feed():
            nonlocal pulled
            for request in requests:
                pulled += 1
                yield request

        answers = {}
        for generation in backend.generate(feed()):
            outstanding_at_yield.append(pulled - len(answers))
            assert generation.id not in answers
            answers[generation.id] = generation

        assert set(answers) == {r.id for r in requests}
        # the window bounds what was pulled but not yet answered
        assert max(outstanding_at_yield) <= window
        assert min(outstanding_at_yield) >= 1

        long = answers["long"]
        assert long.error_kind == "skipped"
        assert long.error.startswith(f"prompt too long: {long.prompt_tokens} tokens")
        assert long.prompt_tokens == len(backend.prompt_token_ids(long_messages))
        assert long.prompt_tokens > max_model_len

        assert answers["choice"].error is None
        assert re.fullmatch(r"<\|response\|>(ja|nein)", answers["choice"].text)
        assert answers["choice"].finish_reason == "stop"

        for request in requests[:-2]:
            answer = answers[request.id]
            assert answer.error is None, answer.error
            assert answer.finish_reason in ("stop", "length")
            assert 1 <= answer.completion_tokens <= 24
            assert answer.prompt_tokens == len(backend.prompt_token_ids(request.messages))
        # Same messages and seed give the same text: the per-request seed is honoured,
        # whatever else ran in the same batch.
        assert answers["r0"].text == answers["r3"].text
        # ...and another seed gives another sample (random weights: near-uniform tokens)
        assert answers["r0"].text != answers["r6"].text
    finally:
        backend.close()
    with pytest.raises(EngineError):
        list(backend.generate(iter(requests)))
    with pytest.raises(EngineError, match="closed"):
        backend.llm  # noqa: B018 (the property raises)


def _pair(row: dict[str, str]) -> Pair:
    return Pair(row["instruction"], row["input"], row["output"])


# -- `midb boost --engine vllm` ---------------------------------------------------------------


@pytest.mark.vllm
@needs_vllm
def test_random_weights_fall_back_with_originals_kept(tmp_path: Path, model_dir: Path) -> None:
    rows = [_raw(record) for record in _meb_records()]
    rows.insert(1, _long_record())
    # through a LoRA adapter of MIDB's rank (64), as MIDB itself runs
    lora = build_tiny_lora(tmp_path / "lora", rank=64)
    written = _boost(tmp_path, model_dir, rows, "--max-tokens", "48", "--lora", str(lora))

    assert [row["id"] for row in written] == [row["id"] for row in rows]
    for row, out in zip(rows, written, strict=True):
        meta = out["midb"]
        assert meta["engine"] == "vllm"
        # the original pair stays in place, and in midb.original
        assert {k: out[k] for k in ("instruction", "input", "output")} == {
            k: row[k] for k in ("instruction", "input", "output")
        }
        assert meta["original"] == {
            "instruction": row["instruction"],
            "input": row["input"],
            "response": row["output"],
        }
        if row["id"] == "too-long":
            assert meta["status"] == "skipped"
            assert meta["reason"].startswith("prompt too long: ")
        else:
            assert meta["status"] == "fallback", meta
            assert meta["reason"]
            assert meta["raw_text"] is not None  # kept for inspection


@pytest.mark.vllm
@needs_vllm
def test_structured_output_is_parsed_and_accepted(tmp_path: Path, model_dir: Path) -> None:
    record = _meb_records()[0]  # German; the expert revision passes the guards
    revised = _revised(record)
    regex = _literal_regex(_tagged(revised["instruction"], revised["input"], revised["output"]))
    written = _boost(
        tmp_path,
        model_dir,
        [_raw(record)],
        "--max-tokens",
        "400",
        "--engine-option",
        f"structured_regex={regex}",
    )

    assert len(written) == 1
    out = written[0]
    assert out["midb"]["status"] == "boosted", out["midb"]
    assert out["midb"]["finish_reason"] == "stop"
    assert {k: out[k] for k in ("instruction", "input", "output")} == revised
    assert out["midb"]["original"]["response"] == record["Raw Response"]
    assert out["midb"]["distance"] > 0


# -- without vllm (the default suite) ----------------------------------------------------------


@pytest.mark.skipif(VLLM_INSTALLED, reason="vllm is installed here")
def test_without_vllm_the_engine_says_how_to_install(tmp_path: Path) -> None:
    usable, why = availability()
    assert not usable
    assert why == f"vllm is not installed: {INSTALL_HINT}"

    source = _write_jsonl(tmp_path / "in.jsonl", [_raw(_meb_records()[0])])
    out = tmp_path / "out.jsonl"
    args = ["boost", str(source), "-o", str(out), "--engine", "vllm", "--model", "some/model"]
    # a subprocess: the exit code and the `Error:` line come from the real entry point
    result = subprocess.run(
        [sys.executable, "-m", "midb_cli", *args], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == EXIT_ENGINE, result.stderr
    assert result.stderr.startswith("Error: ")
    assert INSTALL_HINT in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("lora", "options", "message"),
    [
        ("/no/such/adapter", {}, "--lora /no/such/adapter: no such folder"),
        (str(DATA.parent), {}, "no adapter_config.json there"),
        (None, {"structured_regex": "a", "structured_json": {}}, "not both"),
        (None, {"structured_regex": ""}, "expected a regular expression"),
        (None, {"structured_json": "/no/such/schema.json"}, "cannot read /no/such/schema.json"),
        (None, {"chat_template": "/no/such/template.jinja"}, "cannot read"),
    ],
)
def test_bad_settings_are_refused_before_the_engine_starts(
    lora: str | None, options: dict, message: str
) -> None:
    # These checks run before vllm is imported: they hold with or without it, in no time.
    values = {"model": "some/model", "lora": lora, **options}
    with pytest.raises(UsageError, match=re.escape(message)):
        VLLMBackend(VLLMOptions.from_values(values, "vllm"))
    with pytest.raises(UsageError, match="needs --model"):
        VLLMBackend(VLLMOptions.from_values({}, "vllm"))

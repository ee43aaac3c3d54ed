"""LLMBooster over a fake text backend: statuses, laziness, the result cache, and the whole
`midb boost` pipeline with the fake registered as an engine."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from fake_engines import (
    FakeBackend,
    register_fake_engine,
    tagged_echo,
    unregister_engine,
    user_text,
)
from midb_cli.boost.llm import LLMBooster
from midb_cli.boost.protocol import BoostItem, BoostOutcome
from midb_cli.checks.finding import Finding
from midb_cli.cli.main import app
from midb_cli.errors import UsageError
from midb_cli.llm.backend import Generation, GenerationRequest
from midb_cli.llm.prompts import tagged_pair
from midb_cli.llm.settings import LLMSettings
from midb_cli.llm.vllm_options import VLLMOptions
from midb_cli.records.pair import Pair

DATA = Path(__file__).parent / "data" / "llm"


def items(n: int, lang: str = "de") -> list[BoostItem]:
    return [
        BoostItem(f"r{i}", Pair(f"Frage {i}", "", f"Antwort {i}"), lang, [], seed=1000 + i)
        for i in range(n)
    ]


def revise(request: GenerationRequest) -> str:
    text = tagged_echo(request)
    return text.replace("Antwort", "Eine ausführliche Antwort")


def booster(backend: FakeBackend, tmp_path: Path, **config: Any) -> LLMBooster:
    """An LLM booster over ``backend``; ``engine_options`` stand for backend options that
    change answers, ``regenerate_fallbacks`` is the boost flag, the rest are LLM settings."""
    identity = {"model": "m", **config.pop("engine_options", {})}
    regenerate = config.pop("regenerate_fallbacks", False)
    settings = LLMSettings(**{"prompt": "midb", "cache_path": str(tmp_path / "c.db"), **config})
    return LLMBooster(backend, settings, answer_identity=identity, regenerate_fallbacks=regenerate)


def run(b: LLMBooster, stream: list[BoostItem]) -> dict[str, BoostOutcome]:
    outcomes = list(b.boost(iter(stream)))
    b.close()
    assert sorted(o.id for o in outcomes) == sorted(i.id for i in stream)
    return {o.id: o for o in outcomes}


def test_revisions_are_parsed_and_sent_with_prompt_sampling_and_seed(tmp_path: Path) -> None:
    backend = FakeBackend(revise)
    out = run(booster(backend, tmp_path, temperature=0.2), items(10))
    assert all(o.status == "boosted" for o in out.values())
    assert out["r3"].pair == Pair("Frage 3", "", "Eine ausführliche Antwort 3")
    assert out["r3"].details["finish_reason"] == "stop" and out["r3"].details["cached"] is False
    request = backend.history[3]
    assert request.seed == 1003
    assert request.sampling.temperature == 0.2 and request.sampling.top_k == 50
    assert request.messages[0]["content"].endswith(tagged_pair(Pair("Frage 3", "", "Antwort 3")))
    assert backend.closed


def test_fallbacks_keep_the_original_and_the_raw_text(tmp_path: Path) -> None:
    def answer(request: GenerationRequest) -> str | Generation:
        text = user_text(request)
        if "Frage 0" in text:
            return "I am sorry, I cannot do that."
        if "Frage 1" in text:
            return Generation("", text=revise(request), finish_reason="length")
        if "Frage 2" in text:
            return Generation("", error="HTTP 400 from server: bad model")
        if "Frage 3" in text:
            return Generation("", error="prompt too long (9000 tokens)", error_kind="skipped")
        return tagged_echo(request)

    stream = items(5)
    out = run(booster(FakeBackend(answer), tmp_path), stream)
    assert (out["r0"].status, out["r0"].reason) == ("fallback", "parse:no tags")
    assert out["r0"].details["raw_text"] == "I am sorry, I cannot do that."
    assert (out["r1"].status, out["r1"].reason) == ("fallback", "truncated")
    assert (out["r2"].status, out["r2"].reason) == ("error", "HTTP 400 from server: bad model")
    assert out["r3"].status == "skipped" and "too long" in out["r3"].reason
    assert out["r4"].status == "unchanged"
    for i in range(5):
        assert out[f"r{i}"].pair == stream[i].pair


def test_a_pair_sent_without_an_instruction_may_come_back_without_one(tmp_path: Path) -> None:
    """MT left the task in the input: a revision that keeps the instruction empty is a
    revision; a pair that had an instruction and lost it is a parse failure."""
    no_task = BoostItem("t", Pair("", "Liste die Kosten auf.", "1 $"), "de", [], seed=1)
    stream = [no_task, *items(1)]

    def answer(request: GenerationRequest) -> str:
        return "<|instruction|>\n<|input|>Liste die Kosten auf.\n<|response|>Es sind 50 $."

    out = run(booster(FakeBackend(answer), tmp_path), stream)
    assert (out["t"].status, out["t"].pair.response) == ("boosted", "Es sind 50 $.")
    assert (out["r0"].status, out["r0"].reason) == ("fallback", "parse:empty instruction")


def test_deterministic_fixes_run_before_the_model(tmp_path: Path) -> None:
    pair = Pair("Schreibe einen Satz über das Wetter.", "<noinput>", "Es ist sonnig.")
    finding = Finding("placeholder_input", "input", "input is a placeholder", True)
    item = BoostItem("p", pair, "de", [finding], seed=1)
    backend = FakeBackend(tagged_echo)
    out = run(booster(backend, tmp_path), [item])["p"]
    assert "<|input|>\n<|response|>" in user_text(backend.history[0])  # the model saw the fix
    assert (out.status, out.reason) == ("boosted", "fixes only")
    assert out.pair == Pair(pair.instruction, "", pair.response)
    assert out.details["fixes"] == ["placeholder_input: emptied input"]
    fallback = run(booster(FakeBackend(lambda r: "nope"), tmp_path, no_cache=True), [item])["p"]
    assert fallback.status == "fallback" and fallback.pair == pair  # the original is kept


def test_structured_json_prompt(tmp_path: Path) -> None:
    def answer(request: GenerationRequest) -> str:
        assert request.structured is not None and "json" in request.structured
        assert request.messages[0]["role"] == "system"
        return json.dumps({"instruction": "Frage", "input": "", "response": "Lange Antwort"})

    out = run(booster(FakeBackend(answer), tmp_path, prompt="instruct-json"), items(2))
    assert all(o.pair == Pair("Frage", "", "Lange Antwort") for o in out.values())


def test_items_are_pulled_lazily(tmp_path: Path) -> None:
    pulled = 0

    def stream() -> Iterator[BoostItem]:
        nonlocal pulled
        for item in items(1000):
            pulled += 1
            yield item

    b = booster(FakeBackend(revise, window=8), tmp_path, no_cache=True)
    outcomes = b.boost(stream())
    next(outcomes)
    assert pulled <= 9
    assert len(list(outcomes)) == 999
    b.close()


def test_second_run_is_served_from_the_cache(tmp_path: Path) -> None:
    first = FakeBackend(revise)
    run(booster(first, tmp_path), items(20))
    assert len(first.history) == 20
    second = FakeBackend(revise)
    b = booster(second, tmp_path)
    out = run(b, items(30))  # a larger file: only the new records cost a request
    assert len(second.history) == 10
    assert out["r5"].details["cached"] is True and out["r5"].status == "boosted"
    assert out["r5"].pair == Pair("Frage 5", "", "Eine ausführliche Antwort 5")
    # another model, another temperature or another prompt is another request
    third = FakeBackend(revise)
    run(booster(third, tmp_path, temperature=0.1), items(3))
    assert len(third.history) == 3


def vllm_identity(**values: Any) -> dict[str, Any]:
    """The cache identity of real vllm options (parsing them needs no vLLM installed)."""
    return VLLMOptions.from_values({"model": "m", **values}, "vllm").answer_identity()


@pytest.mark.parametrize("key", ["hf_token", "api_key", "HF-TOKEN", "client_secret", "password"])
def test_an_option_that_looks_like_a_secret_is_refused(key: str) -> None:
    # it would be written into OUT.run.json, the cache key and a shard plan
    with pytest.raises(UsageError, match=r"looks like a secret.*environment"):
        VLLMOptions.from_values({"model": "m", key: "hf_abc"}, "vllm")


@pytest.mark.parametrize(
    ("values", "where"),
    [
        ({"model_loader_extra_config": {"s3_secret_access_key": "AK"}}, "in 'model_loader"),
        ({"otlp_traces_endpoint": "http://u:pw@collector:4317"}, "has a password"),
        ({"x": [{"hf_token": "hf_abc"}]}, "'hf_token'"),
    ],
)
def test_a_secret_inside_an_engine_argument_is_refused(values: dict[str, Any], where: str) -> None:
    # free engine arguments are written as given: into OUT.run.json and a shard plan
    with pytest.raises(UsageError, match="looks like a secret") as caught:
        VLLMOptions.from_values({"model": "m", **values}, "vllm")
    assert where in str(caught.value) and "pw" not in str(caught.value)


def test_option_names_that_only_resemble_a_secret_are_taken() -> None:
    values = {
        "max_num_batched_tokens": 8,
        "tokenizer": "t",
        "kv_cache_dtype": "auto",
        "long_prefill_token_threshold": 512,  # a count of tokens (vLLM 0.32)
        "hf_token": True,  # use the cached login: no secret
    }
    assert VLLMOptions.from_values({"model": "m", **values}, "vllm").extra


def test_engine_options_that_change_answers_are_part_of_the_cache_key(tmp_path: Path) -> None:
    run(
        booster(FakeBackend(revise), tmp_path, engine_options=vllm_identity(dtype="half")), items(3)
    )
    speed_only = FakeBackend(revise)
    tuned = vllm_identity(dtype="half", gpu_memory_utilization=0.5, concurrency=8)
    run(booster(speed_only, tmp_path, engine_options=tuned), items(3))
    assert speed_only.history == []  # a throughput setting does not change the answers
    other_dtype = FakeBackend(revise)
    run(booster(other_dtype, tmp_path, engine_options=vllm_identity(dtype="float32")), items(3))
    assert len(other_dtype.history) == 3
    other_context = FakeBackend(revise)
    longer = vllm_identity(dtype="half", max_model_len=8192)
    run(booster(other_context, tmp_path, engine_options=longer), items(3))
    assert len(other_context.history) == 3  # a longer context can turn `skipped` into answers


def test_cached_fallbacks_are_regenerated_only_when_asked(tmp_path: Path) -> None:
    run(booster(FakeBackend(lambda r: "no tags"), tmp_path), items(4))
    again = FakeBackend(revise)
    out = run(booster(again, tmp_path), items(4))
    assert again.history == [] and all(o.reason == "parse:no tags" for o in out.values())
    regen = FakeBackend(revise)
    out = run(booster(regen, tmp_path, regenerate_fallbacks=True), items(4))
    assert len(regen.history) == 4 and all(o.status == "boosted" for o in out.values())
    settled = FakeBackend(revise)
    run(booster(settled, tmp_path, regenerate_fallbacks=True), items(4))
    assert settled.history == []  # boosted answers are not regenerated


def test_guard_fallbacks_reported_by_the_pipeline_are_regenerated_on_request(
    tmp_path: Path,
) -> None:
    b = booster(FakeBackend(revise), tmp_path)
    for outcome in b.boost(iter(items(3))):
        if outcome.id == "r1":  # what the pipeline does when a guard refuses the revision
            b.note_fallback(outcome.id, "guard:language")
    b.close()
    again = FakeBackend(revise)
    run(booster(again, tmp_path), items(3))
    assert again.history == []
    regen = FakeBackend(revise)
    run(booster(regen, tmp_path, regenerate_fallbacks=True), items(3))
    assert [user_text(r).count("Frage 1") for r in regen.history] == [1]


def test_over_long_records_are_cached_as_skipped(tmp_path: Path) -> None:
    def refuse(request: GenerationRequest) -> Generation:
        return Generation("", error="HTTP 400: maximum context length", error_kind="skipped")

    run(booster(FakeBackend(refuse), tmp_path), items(2))
    again = FakeBackend(revise)
    out = run(booster(again, tmp_path, regenerate_fallbacks=True), items(2))
    assert again.history == []
    assert all(o.status == "skipped" and o.details["cached"] for o in out.values())


def test_errors_are_not_cached(tmp_path: Path) -> None:
    run(
        booster(FakeBackend(lambda r: Generation("", error="HTTP 503 (6 attempts)")), tmp_path),
        items(3),
    )
    again = FakeBackend(revise)
    run(booster(again, tmp_path), items(3))
    assert len(again.history) == 3


def test_many_cache_hits_between_misses_stay_bounded(tmp_path: Path) -> None:
    stream = items(3000)
    run(booster(FakeBackend(revise), tmp_path), stream[1:2999])  # cache all but the ends
    backend = FakeBackend(revise, window=1)
    pulled = 0

    def counted() -> Iterator[BoostItem]:
        nonlocal pulled
        for item in stream:
            pulled += 1
            yield item

    b = booster(backend, tmp_path)
    outcomes = b.boost(counted())
    first = next(outcomes)
    assert first.id == "r0" and pulled < 1000  # hits are handed out, not hoarded
    rest = list(outcomes)
    b.close()
    assert len(rest) == 2999 and len(backend.history) == 2


def test_no_cache_writes_nothing(tmp_path: Path) -> None:
    run(booster(FakeBackend(revise), tmp_path, no_cache=True), items(3))
    assert not (tmp_path / "c.db").exists()


def test_stats_for_the_progress_line(tmp_path: Path) -> None:
    b = booster(FakeBackend(revise), tmp_path)
    list(b.boost(iter(items(5))))
    stats = b.stats()
    b.close()
    assert stats["requests_sent"] == 5 and stats["in_flight"] == 0
    assert stats["completion_tokens"] == 35 and stats["tokens_per_s"] > 0


# -- the whole pipeline, through the registry and the CLI ---------------------------------


def revisions() -> dict[str, dict[str, str]]:
    lines = (DATA / "revisions.jsonl").read_text(encoding="utf-8").splitlines()
    return {r["id"]: r for r in map(json.loads, lines)}


def records() -> list[dict[str, str]]:
    lines = (DATA / "records.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def booster_answers() -> FakeBackend:
    """Answers like a booster: the expert revision, except for two records."""
    by_instruction = {r["instruction"]: r["id"] for r in records()}
    revised = revisions()

    def answer(request: GenerationRequest) -> str:
        text = user_text(request)
        start = text.index("<|instruction|>") + len("<|instruction|>")
        record_id = by_instruction[text[start : text.index("\n<|input|>")]]
        r = revised[record_id]
        if record_id == UNTAGGED:
            return "Das kann ich leider nicht."
        if record_id == WRONG_LANGUAGE:  # a French record whose response comes back in Italian
            return tagged_pair(Pair(r["instruction"], r["input"], revised["it-1"]["response"]))
        return tagged_pair(Pair(r["instruction"], r["input"], r["response"]))

    return FakeBackend(answer)


UNTAGGED, WRONG_LANGUAGE = "de-1", "fr-1"


@pytest.fixture
def fake_engine() -> Iterator[FakeBackend]:
    backend = booster_answers()
    register_fake_engine("fake-booster", backend)
    yield backend
    unregister_engine("fake-booster")


def test_midb_boost_with_a_registered_fake_engine(fake_engine: FakeBackend, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    args = ["boost", str(DATA / "records.jsonl"), "-o", str(out), "--engine", "fake-booster"]
    args += ["--prompt", "midb", "--cache", str(tmp_path / "cache.sqlite"), "--quiet"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    inputs = records()
    assert [w["id"] for w in written] == [r["id"] for r in inputs]
    status = {w["id"]: w["midb"]["status"] for w in written}
    by_id = {w["id"]: w for w in written}
    assert by_id[UNTAGGED]["midb"]["reason"] == "parse:no tags"
    assert by_id[UNTAGGED]["midb"]["raw_text"] == "Das kann ich leider nicht."
    assert by_id[WRONG_LANGUAGE]["midb"]["reason"] == "guard:language"
    for w, r in zip(written, inputs, strict=True):
        if w["id"] in (UNTAGGED, WRONG_LANGUAGE):
            assert w["midb"]["status"] == "fallback"
            assert (w["instruction"], w["input"], w["output"]) == (
                r["instruction"],
                r["input"],
                r["output"],
            )
        else:
            assert w["midb"]["status"] == "boosted", w["midb"]
            assert w["output"] == revisions()[w["id"]]["response"]
    assert len(fake_engine.history) == len(inputs)
    # rerun after deleting OUT: every answer comes from the cache
    out.unlink()
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert len(fake_engine.history) == len(inputs)
    assert [json.loads(line)["midb"]["status"] for line in out.read_text().splitlines()] == list(
        status.values()
    )


class StallingBackend:
    """Holds request "0" (the file's first record) until the feed stops giving requests,
    answers every other one at once; counts what it pulled while "0" was held."""

    name = "stalling"

    def __init__(self) -> None:
        self.pulled_while_stalled = 0
        self.closed = False

    def generate(self, requests: Iterator[GenerationRequest]) -> Iterator[Generation]:
        held: GenerationRequest | None = None
        for request in requests:
            if request.id == "0":
                held = request
                continue
            if held is not None:
                self.pulled_while_stalled += 1
            yield Generation(request.id, tagged_echo(request), "stop")
        if held is not None:
            yield Generation(held.id, tagged_echo(held), "stop")

    def close(self) -> None:
        self.closed = True


def test_a_stalled_request_holds_the_run_back_instead_of_growing_memory(tmp_path: Path) -> None:
    from midb_cli.boost.pipeline import BoostOptions, run_boost
    from midb_cli.boost.protocol import EngineSelection

    rows = [json.loads(line) for line in (DATA / "records.jsonl").read_text().splitlines()]
    src = tmp_path / "in.jsonl"
    with src.open("w", encoding="utf-8") as fh:
        for i in range(300):
            fh.write(json.dumps({**rows[i % len(rows)], "id": f"r{i}"}, ensure_ascii=False) + "\n")
    backend = StallingBackend()
    booster = LLMBooster(backend, LLMSettings(prompt="midb", no_cache=True))
    options = BoostOptions(
        str(src), str(tmp_path / "out.jsonl"), engine=EngineSelection("stalling"), max_parked=20
    )
    summary = run_boost(options, booster=booster)
    assert summary.total_written == 300
    # the feed paused once 20 answers waited behind the stalled first record
    assert 20 <= backend.pulled_while_stalled <= 21
    written = [json.loads(line)["id"] for line in (tmp_path / "out.jsonl").open()]
    assert written == [f"r{i}" for i in range(300)]


def test_an_llm_engine_on_a_prompt_only_file_says_what_it_needs(tmp_path: Path) -> None:
    from midb_cli.boost.pipeline import BoostOptions, run_boost
    from midb_cli.boost.protocol import EngineSelection

    prompts = Path(__file__).parent / "data" / "prompts" / "alpacaeval_de.json"
    backend = FakeBackend(tagged_echo)
    booster = LLMBooster(backend, LLMSettings(prompt="midb", no_cache=True))
    options = BoostOptions(str(prompts), str(tmp_path / "o.jsonl"), engine=EngineSelection("x"))
    with pytest.raises(UsageError, match=r"prompts only.*--engine rules"):
        run_boost(options, booster=booster)
    assert backend.history == [] and not (tmp_path / "o.jsonl").exists()

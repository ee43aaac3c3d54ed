"""The boost pipeline with fake engines registered like real ones (nothing inside midb patched):
input order, guards, statuses, sources, duplicate ids, engines that misbehave."""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from midb_cli.boost.engines import register_booster, unregister_booster
from midb_cli.boost.guards import GuardSettings, RevisionGuard
from midb_cli.boost.pipeline import BoostOptions, record_seed, run_boost
from midb_cli.boost.protocol import BoosterSpec, BoostItem, BoostOutcome, EngineSelection
from midb_cli.checks import Checker
from midb_cli.errors import EngineError, InputError, UsageError
from midb_cli.langid import LanguageIdentifier
from midb_cli.llm.settings import LLMSettings
from midb_cli.records.pair import Pair

DATA = Path(__file__).parent / "data" / "boost"
ENGINE = "test-canned"

Answer = Callable[[BoostItem], BoostOutcome | None]


class CannedBooster:
    """Answers with ``answer(item)`` (None: never answers), a window of items at a time, in a
    seeded random order; remembers every item it saw."""

    name: ClassVar[str] = ENGINE

    def __init__(self, answer: Answer, window: int, seen: list[BoostItem]) -> None:
        self.answer = answer
        self.window = window
        self.seen = seen
        self.closed = False
        self.fallbacks: list[tuple[str, str]] = []
        self.rng = random.Random(7)

    def boost(self, items: Iterator[BoostItem]) -> Iterator[BoostOutcome]:
        batch: list[BoostItem] = []
        for item in items:
            self.seen.append(item)
            batch.append(item)
            if len(batch) == self.window:
                yield from self._answer(batch)
                batch = []
        yield from self._answer(batch)

    def _answer(self, batch: list[BoostItem]) -> Iterator[BoostOutcome]:
        self.rng.shuffle(batch)
        for item in batch:
            outcome = self.answer(item)
            if outcome is not None:
                yield outcome

    def note_fallback(self, outcome_id: str, reason: str) -> None:
        self.fallbacks.append((outcome_id, reason))

    def close(self) -> None:
        self.closed = True


class Engine:
    """Test handle: set ``answer``; read ``seen`` and ``boosters``."""

    def __init__(self) -> None:
        self.answer: Answer = lambda item: BoostOutcome(item.id, "unchanged", item.pair)
        self.window = 5
        self.seen: list[BoostItem] = []
        self.boosters: list[CannedBooster] = []

    def factory(self, selection: EngineSelection) -> CannedBooster:
        booster = CannedBooster(lambda item: self.answer(item), self.window, self.seen)
        self.boosters.append(booster)
        return booster


@pytest.fixture
def engine() -> Iterator[Engine]:
    handle = Engine()
    register_booster(BoosterSpec(ENGINE, "canned answers for tests", handle.factory), replace=True)
    yield handle
    unregister_booster(ENGINE)


_IDENTIFIER: list[LanguageIdentifier] = []


def shared_identifier() -> LanguageIdentifier:
    """One loaded identifier for the whole module (loading the models takes most of a run)."""
    if not _IDENTIFIER:
        _IDENTIFIER.append(LanguageIdentifier())
    return _IDENTIFIER[0]


def boost(src: Path, out: Path, **kwargs: Any) -> Any:
    config = kwargs.pop("config", EngineSelection(ENGINE))
    options = BoostOptions(str(src), str(out), engine=config, **kwargs)
    return run_boost(options, identifier=shared_identifier())


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def valid_records(path: Path) -> list[dict[str, Any]]:
    """The input's valid alpaca records (the fixture also holds bad lines on purpose)."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(obj, dict) and "output" in obj:
            out.append(obj)
    return out


def input_ids(path: Path) -> list[str]:
    return [r["id"] for r in valid_records(path)]


def make_file(path: Path, n: int, *, dup_every: int = 0) -> Path:
    """``n`` German alpaca records with distinct texts (ids repeat every ``dup_every``)."""
    base = valid_records(DATA / "alpaca.jsonl")[:3]
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            rec = dict(base[i % 3])
            rec["id"] = f"dup-{i // dup_every}" if dup_every else f"r{i:05d}"
            rec["output"] = rec["output"].replace("<noinput>", "") + f" Nummer {i}."
            rec["input"] = ""
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return path


# -- order ------------------------------------------------------------------------------------


def test_input_order_is_kept_when_the_engine_answers_out_of_order(
    tmp_path: Path, engine: Engine
) -> None:
    src = make_file(tmp_path / "in.jsonl", 200)
    engine.window = 17
    summary = boost(src, tmp_path / "out.jsonl")
    out = read_jsonl(tmp_path / "out.jsonl")
    assert [r["midb"]["id"] for r in out] == input_ids(src)
    assert [r["output"] for r in out] == [r["output"] for r in read_jsonl(src)]
    assert summary.written == 200 and summary.read == 200 and engine.boosters[0].closed


def test_duplicate_ids_keep_their_own_pairs(tmp_path: Path, engine: Engine) -> None:
    src = make_file(tmp_path / "in.jsonl", 30, dup_every=3)
    engine.window = 10
    engine.answer = lambda item: BoostOutcome(
        item.id, "boosted", item.pair.with_field("response", item.pair.response + " Ende.")
    )
    boost(src, tmp_path / "out.jsonl")
    out = read_jsonl(tmp_path / "out.jsonl")
    originals = read_jsonl(src)
    assert [r["id"] for r in out] == [r["id"] for r in originals]
    assert [r["output"] for r in out] == [r["output"] + " Ende." for r in originals]
    keys = [item.id for item in engine.seen]
    assert all(len(set(keys[i : i + 10])) == 10 for i in range(0, 30, 10))  # unique in flight


def test_items_carry_language_findings_and_a_per_record_seed(
    tmp_path: Path, engine: Engine
) -> None:
    boost(
        DATA / "alpaca.jsonl",
        tmp_path / "out.jsonl",
        config=EngineSelection(ENGINE, llm=LLMSettings(seed=5)),
    )
    by_id = {item.id: item for item in engine.seen}
    assert by_id["de-0010"].lang == "de" and by_id["ja-0011"].lang == "ja"
    assert [f.kind for f in by_id["de-0010"].findings] == ["placeholder_input"]
    assert by_id["fr-0012"].seed == record_seed("fr-0012", 5)
    assert len({item.seed for item in engine.seen}) == len(engine.seen)


# -- statuses and guards ----------------------------------------------------------------------

GERMAN_CODE = {
    "id": "code-1",
    "instruction": "Schreibe eine Python-Funktion, die zwei Zahlen addiert und das Ergebnis zurückgibt.",
    "input": "",
    "output": (
        "Hier ist eine einfache Funktion, die zwei Zahlen addiert. Die Funktion `add` nimmt zwei "
        "Argumente entgegen und gibt ihre Summe zurück:\n\n```python\ndef add(a, b):\n"
        "    return a + b\n```\n\nSie können die Funktion zum Beispiel mit `add(2, 3)` aufrufen."
    ),
}


def _revise(response: str) -> Answer:
    def answer(item: BoostItem) -> BoostOutcome:
        return BoostOutcome(item.id, "boosted", item.pair.with_field("response", response))

    return answer


GOOD = GERMAN_CODE["output"] + " Das Ergebnis ist dann fünf, wie man leicht nachrechnen kann."
FALLBACKS = {
    "guard:language": (
        "Here is a simple function that adds two numbers. The function `add` takes two arguments "
        "and returns their sum:\n\n```python\ndef add(a, b):\n    return a + b\n```\n\nYou can "
        "call the function, for example, with `add(2, 3)` and it will return five."
    ),
    "guard:response_collapsed": "Die Funktion `add` mit `add(2, 3)`:\n```python\ndef add(a, b): ...\n```",
    "guard:field_leak": GERMAN_CODE["output"] + "\n<|response|> Noch einmal.",
    "guard:empty_response": "   ",
    "guard:code_dropped": (
        "Hier ist eine einfache Funktion, die zwei Zahlen addiert. Die Funktion nimmt zwei "
        "Argumente entgegen und gibt ihre Summe zurück. Man schreibt sie mit dem Schlüsselwort "
        "für Funktionen, zwei Parametern und einer Rückgabe der Summe der beiden Werte."
    ),
    "guard:code_translated": GERMAN_CODE["output"].replace(
        "    return a + b", "    wenn a > b:\n        return a + b\n    return a + b"
    ),
    "guard:truncated": GERMAN_CODE["output"] + " Außerdem können Sie die Funktion mit",
    "guard:repetition": GERMAN_CODE["output"]
    + " Die Summe ist fünf. Die Summe ist fünf. Die Summe ist fünf. Die Summe ist fünf."
    " Die Summe ist fünf. Die Summe ist fünf. Die Summe ist fünf. Die Summe ist fünf.",
}


@pytest.mark.parametrize("reason", sorted(FALLBACKS))
def test_a_failed_guard_writes_the_original_as_fallback(
    tmp_path: Path, engine: Engine, reason: str
) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(GERMAN_CODE, ensure_ascii=False) + "\n", encoding="utf-8")
    engine.answer = _revise(FALLBACKS[reason])
    summary = boost(src, tmp_path / "out.jsonl")
    (rec,) = read_jsonl(tmp_path / "out.jsonl")
    assert (rec["midb"]["status"], rec["midb"]["reason"]) == ("fallback", reason)
    assert rec["output"] == GERMAN_CODE["output"] and rec["midb"]["distance"] == 0
    assert summary.reasons == {reason: 1}
    assert engine.boosters[0].fallbacks == [("code-1", reason)]  # the engine is told (cache)


def test_a_refusal_names_the_rule_that_fired(tmp_path: Path, engine: Engine) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(GERMAN_CODE, ensure_ascii=False) + "\n", encoding="utf-8")
    engine.answer = _revise(FALLBACKS["guard:truncated"])
    boost(src, tmp_path / "out.jsonl")
    (rec,) = read_jsonl(tmp_path / "out.jsonl")
    detail = rec["midb"]["reason_detail"]
    assert rec["midb"]["reason"] == "guard:truncated" and isinstance(detail, str) and detail
    assert rec["midb"]["refused"]["response"] == FALLBACKS["guard:truncated"]  # to inspect
    assert rec["output"] == GERMAN_CODE["output"]
    engine.answer = _revise(GOOD)
    boost(src, tmp_path / "good.jsonl")
    (rec,) = read_jsonl(tmp_path / "good.jsonl")
    assert "reason_detail" not in rec["midb"] and "refused" not in rec["midb"]


def test_a_good_revision_is_written_with_its_distance(tmp_path: Path, engine: Engine) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(GERMAN_CODE, ensure_ascii=False) + "\n", encoding="utf-8")
    engine.answer = lambda item: BoostOutcome(
        item.id,
        "boosted",
        item.pair.with_field("response", GOOD),
        details={"finish_reason": "stop", "status": "overridden?"},
    )
    boost(src, tmp_path / "out.jsonl")
    (rec,) = read_jsonl(tmp_path / "out.jsonl")
    meta = rec["midb"]
    assert (meta["status"], meta["reason"], meta["lang"], meta["engine"]) == (
        "boosted",
        "",
        "de",
        ENGINE,
    )
    assert rec["output"] == GOOD and meta["distance"] == len(GOOD) - len(GERMAN_CODE["output"])
    assert meta["original"]["response"] == GERMAN_CODE["output"]
    assert meta["finish_reason"] == "stop" and meta["status"] == "boosted"  # details never override
    assert list(rec)[:4] == ["id", "instruction", "input", "output"]


def test_a_record_left_in_english_may_get_its_answer_in_the_files_language(
    tmp_path: Path, engine: Engine
) -> None:
    """The guard knows the file's language: the answer of a record MT left in English,
    translated into it (German here), is the fix, not a move out of the record's language."""
    src = make_file(tmp_path / "in.jsonl", 6)
    english = {
        "id": "en-1",
        "instruction": "Explain why regular exercise is good for your health.",
        "input": "",
        "output": "Regular exercise strengthens the heart, improves sleep and lowers stress.",
    }
    with src.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(english) + "\n")
    german = (
        "Regelmäßige Bewegung stärkt das Herz, verbessert den Schlaf und senkt den Stress im "
        "Alltag deutlich."
    )
    unchanged = engine.answer
    engine.answer = lambda item: _revise(german)(item) if item.id == "en-1" else unchanged(item)
    boost(src, tmp_path / "out.jsonl")
    rec = read_jsonl(tmp_path / "out.jsonl")[-1]
    assert (rec["id"], rec["midb"]["status"], rec["output"]) == ("en-1", "boosted", german)


def test_guard_is_usable_on_its_own() -> None:
    identifier = shared_identifier()
    guard = RevisionGuard(identifier, Checker(identifier), GuardSettings(max_length_ratio=1.5))
    pair = Pair(GERMAN_CODE["instruction"], "", GERMAN_CODE["output"])
    assert guard.check(pair, pair.with_field("response", GOOD), "de", []) is None
    longer = pair.with_field("response", GOOD * 2)
    assert guard.check(pair, longer, "de", []) == "guard:length_ratio"
    english = pair.with_field("response", FALLBACKS["guard:language"])
    assert guard.check(pair, english, "de", []) == "guard:language"


def test_other_statuses_keep_the_original(tmp_path: Path, engine: Engine) -> None:
    statuses = {"de-0010": "skipped", "de-0011": "error", "de-0012": "fallback", "fr-0010": "weird"}

    def answer(item: BoostItem) -> BoostOutcome:
        status = statuses.get(item.id, "unchanged")
        changed = item.pair.with_field("response", "changed")
        return BoostOutcome(item.id, status, changed, reason=f"why:{status}")  # type: ignore[arg-type]

    engine.answer = answer
    boost(DATA / "alpaca.jsonl", tmp_path / "out.jsonl")
    out = {r["id"]: r for r in read_jsonl(tmp_path / "out.jsonl")}
    assert all(r["output"] != "changed" for r in out.values())
    assert out["de-0010"]["midb"]["status"] == "skipped"
    assert out["de-0011"]["midb"]["reason"] == "why:error"
    assert out["fr-0010"]["midb"]["status"] == "error"
    assert out["fr-0010"]["midb"]["reason"] == "engine:bad_status:weird"


def test_a_record_the_engine_never_answers_is_written_as_error(
    tmp_path: Path, engine: Engine
) -> None:
    engine.answer = lambda item: (
        None if item.id == "fr-0011" else BoostOutcome(item.id, "unchanged", item.pair)
    )
    summary = boost(DATA / "alpaca.jsonl", tmp_path / "out.jsonl")
    out = read_jsonl(tmp_path / "out.jsonl")
    assert [r["id"] for r in out] == input_ids(DATA / "alpaca.jsonl")
    lost = next(r for r in out if r["id"] == "fr-0011")
    assert (lost["midb"]["status"], lost["midb"]["reason"]) == ("error", "engine:no_answer")
    assert summary.read == summary.written + summary.rejected


def test_an_answer_for_an_unknown_id_is_an_engine_error(tmp_path: Path, engine: Engine) -> None:
    engine.answer = lambda item: BoostOutcome("nope", "unchanged", item.pair)
    with pytest.raises(EngineError, match="unknown or finished record 'nope'"):
        boost(DATA / "alpaca.jsonl", tmp_path / "out.jsonl")
    assert engine.boosters[0].closed


# -- sources ----------------------------------------------------------------------------------


def test_source_key_and_source_file_reach_the_engine(tmp_path: Path, engine: Engine) -> None:
    records = valid_records(DATA / "alpaca.jsonl")[:4]
    src, english = tmp_path / "in.jsonl", tmp_path / "en.jsonl"
    with src.open("w") as a, english.open("w") as b:
        for i, rec in enumerate(records):
            en = {"id": rec["id"], "instruction": f"Task {i}", "input": "", "output": f"Answer {i}"}
            if i == 1:
                rec["en"] = {"Raw Instruction": "Keyed", "Raw Input": "", "Raw Response": "R"}
            a.write(json.dumps(rec) + "\n")
            b.write(json.dumps(en) + "\n")
    boost(src, tmp_path / "o1.jsonl", source=str(english))
    assert [item.source for item in engine.seen][2] == Pair("Task 2", "", "Answer 2")
    engine.seen.clear()
    boost(src, tmp_path / "o2.jsonl", source=str(english), source_key="en")
    sources = {item.id: item.source for item in engine.seen}
    assert sources[records[1]["id"]] == Pair("Keyed", "", "R")  # the key wins over the file
    assert sources[records[3]["id"]] == Pair("Task 3", "", "Answer 3")


def test_a_source_file_with_other_ids_is_a_clear_error(tmp_path: Path, engine: Engine) -> None:
    english = tmp_path / "en.jsonl"
    english.write_text('{"id": "de-0010", "instruction": "a", "output": "b"}\n{"id": "x"}\n')
    english.write_text(
        '{"id": "de-0010", "instruction": "a", "output": "b"}\n'
        '{"id": "other", "instruction": "a", "output": "b"}\n'
    )
    with pytest.raises(InputError, match=r"has id 'other' where the input .* has 'de-0011'"):
        boost(DATA / "alpaca.jsonl", tmp_path / "out.jsonl", source=str(english))


def test_an_output_of_another_engine_is_not_resumed(tmp_path: Path, engine: Engine) -> None:
    out = tmp_path / "out.jsonl"
    boost(DATA / "chat.jsonl", out)
    with pytest.raises(UsageError, match="written by engine 'test-canned', this run uses 'rules'"):
        boost(DATA / "chat.jsonl", out, config=EngineSelection())
    assert len(read_jsonl(out)) == 3

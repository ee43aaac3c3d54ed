"""Parsing the booster's answer: tags, flat CoachLM format, JSON, and the ways models garble them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from midb_cli.llm.parsing import parse_answer
from midb_cli.llm.prompts import tagged_pair
from midb_cli.records.pair import Pair


def parsed(text: str, answer_format: str = "tagged") -> Pair:
    result = parse_answer(text, answer_format)
    assert result.pair is not None, result.reason
    return result.pair


def test_plain_tagged_answer() -> None:
    assert parsed("<|instruction|>Frage\n<|input|>Eingabe\n<|response|>Antwort") == Pair(
        "Frage", "Eingabe", "Antwort"
    )


def test_missing_input_tag_means_empty_input() -> None:
    assert parsed("<|instruction|>Frage\n<|response|>Antwort") == Pair("Frage", "", "Antwort")


def test_reordered_tags() -> None:
    assert parsed("<|response|>R\n<|instruction|>I\n<|input|>In") == Pair("I", "In", "R")


def test_chatter_before_and_end_of_turn_markers_after() -> None:
    text = "Here is the improved pair:\n\n<|instruction|>I\n<|input|>\n<|response|>R<|eot_id|>"
    assert parsed(text) == Pair("I", "", "R")


def test_wrapping_code_fence_with_chatter_after_is_removed() -> None:
    text = "Sure!\n```text\n<|instruction|>I\n<|input|>\n<|response|>R\n```\nHope this helps."
    assert parsed(text) == Pair("I", "", "R")


def test_code_blocks_inside_the_response_are_kept() -> None:
    response = "Use this:\n```python\nif x:\n    print(x)\n```\nDone."
    assert parsed(f"<|instruction|>I\n<|response|>{response}").response == response
    wrapped = f"```\n<|instruction|>I\n<|response|>{response}\n```"
    assert parsed(wrapped).response == response


def test_echoed_prompt_then_revision_takes_the_last_block() -> None:
    text = (
        "<|instruction|>old I\n<|input|>\n<|response|>old R\n\n"
        "Improved:\n<|instruction|>new I\n<|input|>\n<|response|>new R"
    )
    assert parsed(text) == Pair("new I", "", "new R")


def test_tag_spelling_variants() -> None:
    assert parsed("<| Instruction |> I\n<|RESPONSE|> R") == Pair("I", "", "R")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "parse:empty answer"),
        ("I cannot help with that.", "parse:no tags"),
        ("<|instruction|>I\n<|input|>x", "parse:no response tag"),
        ("<|input|>x\n<|response|>R", "parse:no instruction tag"),
        ("<|instruction|>I\n<|response|>   ", "parse:empty response"),
        ("<|instruction|>I\n<|input|>a\n<|input|>b\n<|response|>R", "parse:repeated input tag"),
    ],
)
def test_unparseable_answers_say_why(text: str, reason: str) -> None:
    result = parse_answer(text)
    assert result.pair is None and result.reason == reason


def test_an_instruction_the_pair_did_not_have_may_stay_empty() -> None:
    """MT moved the task into the input and left the instruction empty: an answer that keeps
    it so is a pair when the caller says the sent pair had none, in every format."""
    tagged = "<|instruction|>\n<|input|>Liste die Kosten auf.\n<|response|>Es sind 50 $."
    assert parse_answer(tagged).reason == "parse:empty instruction"
    assert parse_answer(tagged, empty_instruction=True).pair == Pair(
        "", "Liste die Kosten auf.", "Es sind 50 $."
    )
    as_json = '{"instruction": "", "input": "x", "response": "R"}'
    assert parse_answer(as_json, "json").reason == "parse:empty instruction"
    assert parse_answer(as_json, "json", empty_instruction=True).pair == Pair("", "x", "R")
    flat = "Instruction: Input: x Response: R"
    assert parse_answer(flat, "flat").reason == "parse:empty instruction"
    assert parse_answer(flat, "flat", empty_instruction=True).pair == Pair("", "x", "R")
    empty_response = "<|instruction|>\n<|response|> "
    assert parse_answer(empty_response, empty_instruction=True).reason == "parse:empty response"


def test_flat_coachlm_format() -> None:
    assert parsed("Instruction: Sum. Input: 1, 2 Response: 3", "flat") == Pair("Sum.", "1, 2", "3")
    assert parsed("Instruction: Name a color. Response: Blue.", "flat") == Pair(
        "Name a color.", "", "Blue."
    )
    assert parse_answer("no markers here", "flat").reason == "parse:no Instruction: marker"


def test_json_answers_plain_fenced_and_with_output_alias() -> None:
    assert parsed('{"instruction": "I", "input": "", "response": "R"}', "json") == Pair(
        "I", "", "R"
    )
    fenced = 'Result:\n```json\n{"instruction": "I", "output": "R {x}"}\n```'
    assert parsed(fenced, "json") == Pair("I", "", "R {x}")
    assert parse_answer('{"instruction": 1, "response": "R"}', "json").reason.startswith(
        "parse:JSON instruction"
    )
    assert parse_answer("{not json}", "json").reason == "parse:invalid JSON"


def test_other_formats_are_tried_after_the_declared_one() -> None:
    assert parsed('{"instruction": "I", "input": "", "response": "R"}', "tagged") == Pair(
        "I", "", "R"
    )
    assert parsed("<|instruction|>I\n<|response|>R", "json") == Pair("I", "", "R")


_field = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="<|>`"), max_size=40
).map(str.strip)


@given(_field.filter(bool), _field, _field.filter(bool))
def test_tagged_round_trip(instruction: str, input_text: str, response: str) -> None:
    pair = Pair(instruction, input_text, response)
    assert parsed(tagged_pair(pair)) == pair


def _plain_block_parse(text: str) -> tuple[str, ...]:
    """The tagged parser's block choice written out plainly: the last instruction tag that has
    a response tag anywhere after it starts the block; a role seen twice in it is refused."""
    import re

    tags = list(re.finditer(r"<\|\s*(instruction|input|response)\s*\|>", text, re.I))
    if not tags:
        return ("parse:no tags",)
    start = 0
    for i, tag in enumerate(tags):
        later = [t.group(1).lower() for t in tags[i + 1 :]]
        if tag.group(1).lower() == "instruction" and "response" in later:
            start = i
    fields: dict[str, str] = {}
    for i in range(start, len(tags)):
        role = tags[i].group(1).lower()
        if role in fields:
            return (f"parse:repeated {role} tag",)
        end = tags[i + 1].start() if i + 1 < len(tags) else len(text)
        fields[role] = text[tags[i].end() : end].strip()
    for role in ("instruction", "response"):
        if role not in fields:
            return (f"parse:no {role} tag",)
    return (fields["instruction"], fields.get("input", ""), fields["response"])


_tag = st.sampled_from(
    ["<|instruction|>", "<|input|>", "<|response|>", "<| Response |>", "<|INPUT|>", "<|", "|>"]
)


@given(st.lists(st.one_of(_tag, st.sampled_from(["a", " b\n", "Frage", "x y"])), max_size=12))
def test_tagged_block_choice_matches_its_plain_form(parts: list[str]) -> None:
    from midb_cli.llm.parsing import parse_tagged

    text = "".join(parts)
    result = parse_tagged(text)
    expected = _plain_block_parse(text)
    if result.pair is not None:
        assert (result.pair.instruction, result.pair.input, result.pair.response) == expected
    elif len(expected) == 1:
        assert result.reason == expected[0]
    else:  # a field the plain form found but that is empty after stripping
        assert result.reason in ("parse:empty instruction", "parse:empty response")

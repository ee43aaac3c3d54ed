"""Extract the revised pair from a model's answer.

Three answer formats: MIDB's tags (``<|instruction|>...<|input|>...<|response|>...``), CoachLM's
flat ``Instruction: ... Input: ... Response: ...``, and a JSON object. Models wrap answers in
chatter and code fences, reorder or drop tags and echo the prompt; the parser tolerates that and
otherwise says precisely why it gave up (the reason becomes the record's ``fallback`` reason).
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass

from midb_cli.records.pair import Pair

_TAG = re.compile(r"<\|\s*(instruction|input|response)\s*\|>", re.IGNORECASE)
# End-of-turn markers some servers leave at the end of the text. Each starts with its only
# "<", so none ends another and a run of them peels off from the end one way only: looking
# at the end instead of searching the whole answer (a regex anchored with $ still tries
# every position) makes this cost the same for any answer length.
END_MARKERS = ("<|eot_id|>", "<|end_of_text|>", "<|im_end|>", "<|end|>", "</s>")
_FENCE_LINE = re.compile(r"^[ \t]*(```|~~~)", re.MULTILINE)
_FLAT_INSTRUCTION = re.compile(r"(?:^|\s)\**Instruction\**\s*:", re.IGNORECASE)
_FLAT_INPUT = re.compile(r"\s\**Input\**\s*:", re.IGNORECASE)
_FLAT_RESPONSE = re.compile(r"\s\**Response\**\s*:", re.IGNORECASE)
_JSON_FENCE = re.compile(r"```(?:json)?\s*(\{.*\})\s*```", re.DOTALL | re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ParseResult:
    pair: Pair | None
    #: why parsing failed ("parse:no tags", ...); empty when it worked
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.pair is not None


def parse_answer(
    text: str, answer_format: str = "tagged", *, empty_instruction: bool = False
) -> ParseResult:
    """Parse ``text`` in the prompt's declared format, then in the other formats.
    ``empty_instruction``: the pair sent had none (MT moved the task into the input), so an
    answer that keeps it empty is a pair, not a failure."""
    text = strip_end_markers(text).strip()
    if not text:
        return ParseResult(None, "parse:empty answer")
    parsers = {"tagged": parse_tagged, "json": parse_json, "flat": parse_flat}
    if empty_instruction:
        parsers = {
            name: functools.partial(parse, empty_instruction=True)
            for name, parse in parsers.items()
        }
    first = parsers.get(answer_format, parsers["tagged"])(text)
    if first.ok:
        return first
    # A model asked for tags may still answer in JSON, and the other way round; the flat format
    # is only tried when asked for, since "Instruction:" also appears in ordinary chatter.
    for name in ("tagged", "json"):
        if name != answer_format:
            other = parsers[name](text)
            if other.ok:
                return other
    return first


def strip_end_markers(text: str) -> str:
    """``text`` without a run of end markers (no space between them) at its end, nor the
    whitespace after the run; the whitespace before it is the caller's to strip."""
    end = j = len(text.rstrip())
    while True:
        for marker in END_MARKERS:
            if text.endswith(marker, 0, j):
                j -= len(marker)
                break
        else:
            break
    return text if j == end else text[:j]


def parse_tagged(text: str, *, empty_instruction: bool = False) -> ParseResult:
    matches = list(_TAG.finditer(text))
    if not matches:
        return ParseResult(None, "parse:no tags")
    roles = [m[1].lower() for m in matches]
    # An answer that echoes the prompt before its revision holds several blocks: use the last
    # block that starts with an instruction tag and has a response tag after it.
    start = 0
    if "response" in roles:
        last_response = len(roles) - 1 - roles[::-1].index("response")
        for i in range(last_response - 1, -1, -1):
            if roles[i] == "instruction":
                start = i
                break
    fields: dict[str, str] = {}
    count = len(matches)
    for i in range(start, count):
        role = roles[i]
        if role in fields:
            return ParseResult(None, f"parse:repeated {role} tag")
        end = matches[i + 1].start() if i + 1 < count else len(text)
        fields[role] = text[matches[i].end() : end]
    for role in ("instruction", "response"):
        if role not in fields:
            return ParseResult(None, f"parse:no {role} tag")
    if len(_FENCE_LINE.findall(text, 0, matches[start].start())) % 2 == 1:
        fields["response"] = _drop_wrapping_fence(fields["response"])
    return _pair_from(fields, empty_instruction=empty_instruction)


def parse_flat(text: str, *, empty_instruction: bool = False) -> ParseResult:
    instruction = _FLAT_INSTRUCTION.search(text)
    if instruction is None:
        return ParseResult(None, "parse:no Instruction: marker")
    response = _FLAT_RESPONSE.search(text, instruction.end())
    if response is None:
        return ParseResult(None, "parse:no Response: marker")
    input_match = _FLAT_INPUT.search(text, instruction.end(), response.start())
    fields = {"response": text[response.end() :]}
    if len(_FENCE_LINE.findall(text, 0, instruction.start())) % 2 == 1:
        fields["response"] = _drop_wrapping_fence(fields["response"])
    if input_match is None:
        fields["instruction"] = text[instruction.end() : response.start()]
    else:
        fields["instruction"] = text[instruction.end() : input_match.start()]
        fields["input"] = text[input_match.end() : response.start()]
    return _pair_from(fields, empty_instruction=empty_instruction)


def parse_json(text: str, *, empty_instruction: bool = False) -> ParseResult:
    fenced = _JSON_FENCE.search(text)
    candidate = fenced.group(1) if fenced else text
    first, last = candidate.find("{"), candidate.rfind("}")
    if first < 0 or last <= first:
        return ParseResult(None, "parse:no JSON object")
    try:
        data = json.loads(candidate[first : last + 1])
    except ValueError:
        return ParseResult(None, "parse:invalid JSON")
    if not isinstance(data, dict):
        return ParseResult(None, "parse:JSON is not an object")
    fields: dict[str, str] = {}
    for role, aliases in (
        ("instruction", ("instruction",)),
        ("input", ("input",)),
        ("response", ("response", "output")),
    ):
        for key in aliases:
            value = data.get(key)
            if value is not None:
                if not isinstance(value, str):
                    return ParseResult(None, f"parse:JSON {key} is not a string")
                fields[role] = value
                break
    for role in ("instruction", "response"):
        if role not in fields:
            return ParseResult(None, f"parse:JSON has no {role}")
    return _pair_from(fields, strip=False, empty_instruction=empty_instruction)


def _pair_from(
    fields: dict[str, str], strip: bool = True, *, empty_instruction: bool = False
) -> ParseResult:
    instruction = fields["instruction"]
    input_text = fields.get("input", "")
    response = fields["response"]
    if strip:
        instruction, input_text, response = (
            instruction.strip(),
            input_text.strip(),
            response.strip(),
        )
        # stripped already: an empty field is an empty string
        no_instruction, empty_response = not instruction, not response
    else:
        no_instruction, empty_response = not instruction.strip(), not response.strip()
    if no_instruction and not empty_instruction:
        return ParseResult(None, "parse:empty instruction")
    if empty_response:
        return ParseResult(None, "parse:empty response")
    return ParseResult(Pair(instruction, input_text, response))


def _drop_wrapping_fence(response: str) -> str:
    """Cut the response at the fence that closes a fence opened before the tags.

    The response's own code blocks come in pairs of fence lines, so with a wrapping fence the
    count is odd and the last fence line is the wrapper's; anything after it is chatter.
    """
    fences = list(_FENCE_LINE.finditer(response))
    if len(fences) % 2 == 1:
        return response[: fences[-1].start()]
    return response

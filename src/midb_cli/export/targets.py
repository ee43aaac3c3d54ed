"""A booster's training example: the prompt midb sends, and the answer it expects back.

The user (and system) turns are rendered by the prompt code `midb boost` uses, from the pair
boost would send: the raw pair after the same deterministic fixes (``fixes=False`` keeps it
raw). The assistant turn is the revised pair in the prompt's answer format (MIDB's tags for
``--prompt midb``). Each field's surrounding whitespace is trimmed first: the parser trims it,
so a booster could never hand it back. Every target is parsed back with midb's own parser; one
that does not come back as exactly its pair (an empty field, a field that contains a tag) is
not a usable example and is refused with the reason.
"""

from __future__ import annotations

import math

from midb_cli import jsonio
from midb_cli.distance import serialize_pair
from midb_cli.llm.parsing import parse_answer
from midb_cli.llm.prompts import tagged_pair
from midb_cli.records.pair import Pair


def trimmed(pair: Pair) -> Pair:
    return Pair(pair.instruction.strip(), pair.input.strip(), pair.response.strip())


def target_text(pair: Pair, answer_format: str) -> str:
    if answer_format == "json":
        return jsonio.dumps(pair.as_dict()).decode()
    if answer_format == "flat":
        return serialize_pair(pair)
    return tagged_pair(pair)


def build_target(revised: Pair, answer_format: str) -> tuple[str | None, str]:
    """(target text, "") or (None, why it cannot be a target)."""
    pair = trimmed(revised)
    if not pair.instruction:
        return None, "the revised instruction is empty"
    if not pair.response:
        return None, "the revised response is empty"
    text = target_text(pair, answer_format)
    parsed = parse_answer(text, answer_format)
    if parsed.pair != pair:
        why = parsed.reason or "it parses back to another pair (a field holds a tag or marker)"
        return None, f"the target does not parse back exactly: {why}"
    return text, ""


def proxy_tokens(text: str) -> int:
    """A tokenizer-free length estimate: the larger of the whitespace word count and a third of
    the characters (scripts without spaces, such as Japanese or Thai, have few words)."""
    return max(len(text.split()), math.ceil(len(text) / 3))

"""The trainers' formats for one instruction pair.

- ``alpaca``: ``{"instruction", "input", "output"}`` (LLaMA-Factory's alpaca format, axolotl's
  ``alpaca`` type, Stanford Alpaca).
- ``messages``: ``{"messages": [{"role": "user", ...}, {"role": "assistant", ...}]}`` (OpenAI
  chat; TRL's SFTTrainer, axolotl ``chat_template``, LLaMA-Factory with role tags).
- ``sharegpt``: ``{"conversations": [{"from": "human", ...}, {"from": "gpt", ...}]}``
  (LLaMA-Factory's sharegpt format, axolotl).

A chat turn joins the instruction and a non-empty input with one newline, as LLaMA-Factory does
when it turns an alpaca record into a chat, so every format trains on the same text.
"""

from __future__ import annotations

from typing import Any

from midb_cli.records.pair import Pair

FORMATS: tuple[str, ...] = ("alpaca", "messages", "sharegpt")
_SHAREGPT_ROLE = {"system": "system", "user": "human", "assistant": "gpt"}


def user_turn(pair: Pair) -> str:
    return pair.instruction + (f"\n{pair.input}" if pair.input else "")


def pair_record(pair: Pair, fmt: str) -> dict[str, Any]:
    if fmt == "alpaca":
        return {"instruction": pair.instruction, "input": pair.input, "output": pair.response}
    return chat_record(
        [
            {"role": "user", "content": user_turn(pair)},
            {"role": "assistant", "content": pair.response},
        ],
        fmt,
    )


def chat_record(messages: list[dict[str, str]], fmt: str) -> dict[str, Any]:
    """A conversation in ``messages`` or ``sharegpt`` form."""
    if fmt == "sharegpt":
        turns = [{"from": _SHAREGPT_ROLE[m["role"]], "value": m["content"]} for m in messages]
        return {"conversations": turns}
    return {"messages": [{"role": m["role"], "content": m["content"]} for m in messages]}


def dataset_info_entry(file_name: str, fmt: str) -> dict[str, Any]:
    """LLaMA-Factory's ``dataset_info.json`` entry for a file written in ``fmt``."""
    if fmt == "alpaca":
        return {
            "file_name": file_name,
            "columns": {"prompt": "instruction", "query": "input", "response": "output"},
        }
    if fmt == "sharegpt":
        return {
            "file_name": file_name,
            "formatting": "sharegpt",
            "columns": {"messages": "conversations"},
        }
    return {
        "file_name": file_name,
        "formatting": "sharegpt",
        "columns": {"messages": "messages"},
        "tags": {
            "role_tag": "role",
            "content_tag": "content",
            "user_tag": "user",
            "assistant_tag": "assistant",
            "system_tag": "system",
        },
    }

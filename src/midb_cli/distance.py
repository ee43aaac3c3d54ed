"""The MIDB/CoachLM edit distance (see README, "Edit distance").

The published ``Distance`` is the character-level Levenshtein distance, with unit costs and
counted in code points, between the raw and the revised pair, each serialized as
``"Instruction: " + I + (" Input: " + In if In else "") + " Response: " + R``.
"""

from __future__ import annotations

from rapidfuzz.distance import Levenshtein

from midb_cli.records.pair import ROLES, Pair


def serialize_pair(pair: Pair) -> str:
    text = "Instruction: " + pair.instruction
    if pair.input:
        text += " Input: " + pair.input
    return text + " Response: " + pair.response


def pair_distance(raw: Pair, revised: Pair) -> int:
    """The paper's distance between two pairs."""
    return Levenshtein.distance(serialize_pair(raw), serialize_pair(revised))


def field_distances(raw: Pair, revised: Pair) -> dict[str, int]:
    """Levenshtein distance per role (instruction, input, response)."""
    return {role: Levenshtein.distance(raw.get(role), revised.get(role)) for role in ROLES}

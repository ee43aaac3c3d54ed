"""guard:instruction_changed judged against the record: what an expert's new task shares with
the record, and what only looks shared (function words, a syllable found inside another word).

Hand-written fixtures in the MIDB languages; bench/eval_guards.py measures the same on the
shared MEB data (``good`` accepted, ``task_rewritten`` refused)."""

from __future__ import annotations

from guard_judge import judge
from midb_cli.records.pair import Pair

# MT left the instruction in English; the answer is Spanish.
_SPANISH_RECORD = Pair(
    "Describe the interior of a spaceship.",
    "",
    "El interior de una nave espacial es un espacio estrecho y lleno de paneles de control, "
    "pantallas y cables. Los astronautas duermen en sacos sujetos a la pared para no flotar, "
    "y comen alimentos envasados sobre una mesa pequeña con correas.",
)


def test_a_translated_instruction_of_this_record_is_accepted() -> None:
    """The expert translated the instruction MT had left in English: its content words
    (`interior`, `nave`, `espacial`) are the answer's."""
    revised = _SPANISH_RECORD.with_field(
        "instruction", "Describe el interior de una nave espacial."
    )
    assert judge(_SPANISH_RECORD, revised, "es").reason is None


def test_another_task_sharing_only_function_words_is_refused() -> None:
    """`para`, `sobre`, `una` are in every Spanish record: they do not make another record's
    task (a recipe) a translation of this one."""
    revised = _SPANISH_RECORD.with_field(
        "instruction", "Escribe una receta para una cena sobre la playa."
    )
    result = judge(_SPANISH_RECORD, revised, "es")
    assert result.reason == "guard:instruction_changed"


_VIETNAMESE_RECORD = Pair(
    "Mô tả cách làm một chiếc bánh mì đơn giản.",
    "",
    "Để làm bánh mì cho đông người, bạn làm theo công thức đã viết sẵn: trộn bột, nước và men "
    "trong một cái bát, nhào bột trong mười phút, để bột nghỉ một giờ rồi nướng trong lò.",
)


def test_vietnamese_words_are_pairs_of_syllables() -> None:
    """`viết` and `đông` are in the record (`đã viết sẵn`, `đông người`), `bài thơ` and `mùa
    đông` are not: a poem about winter is another task. The record's own task, reworded, keeps
    its words (`cách làm`, `bánh mì`)."""
    poem = _VIETNAMESE_RECORD.with_field("instruction", "Viết một bài thơ về mùa đông.")
    assert judge(_VIETNAMESE_RECORD, poem, "vi").reason == "guard:instruction_changed"
    reworded = _VIETNAMESE_RECORD.with_field("instruction", "Hãy cho biết cách làm bánh mì.")
    assert judge(_VIETNAMESE_RECORD, reworded, "vi").reason is None

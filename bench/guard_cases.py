"""The answers a small booster really gives, built from one MEB record's expert revision.

Each kind maps a record (raw and revised pair) to the booster's answer TEXT, or None when the
kind does not apply to the record (no list to cut, no input to swap). ``good`` is the expert
revision itself; every other kind is a corruption the guards must refuse. Used by
bench/eval_guards.py; the text goes through the real answer parser before the guard sees it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

Fields = tuple[str, str, str]  # instruction, input, response

_SENTENCE_END = ".!?。！？؟:;…"
_LIST_LINE = re.compile(r"(?m)^[ \t]*(?:[-*•]|\d+[.)])[ \t]+")
_WORD = re.compile(r"\w{6,}")
_UNSPACED = {"ja"}

# Code the MT data hardly has (no fenced block in 29,909 records): the code kinds append one
# of these to both the raw and the revised response, as a programming answer would hold it.
SNIPPETS = (
    "```python\ndef total(numbers):\n    result = 0\n    for n in numbers:\n"
    "        if n > 0:\n            result += n\n    return result\n\n"
    "print(total([1, -2, 3]))\n```",
    "```javascript\nfunction maxOf(values) {\n  let best = values[0];\n"
    "  for (const v of values) {\n    if (v > best) {\n      best = v;\n    }\n  }\n"
    "  return best;\n}\nconsole.log(maxOf([3, 9, 4]));\n```",
    "```c\nint count_even(int *a, int n) {\n    int c = 0;\n"
    "    for (int i = 0; i < n; i++) {\n        if (a[i] % 2 == 0) c++;\n    }\n"
    "    return c;\n}\n```",
    "```python\nwhile attempts < 3:\n    answer = input('Password: ')\n"
    "    if answer == secret:\n        print('OK')\n        break\n    else:\n"
    "        attempts += 1\n```",
)

# What MT makes of code keywords (if, else, for, while, return, print), per language.
KEYWORDS = {
    "ar": ("إذا", "وإلا", "لكل", "بينما", "إرجاع", "اطبع"),
    "cs": ("pokud", "jinak", "pro", "zatímco", "vrátit", "tisk"),
    "de": ("wenn", "sonst", "für", "während", "zurückgeben", "drucken"),
    "es": ("si", "sino", "para", "mientras", "devolver", "imprimir"),
    "fr": ("si", "sinon", "pour", "pendant", "retourner", "imprimer"),
    "id": ("jika", "lain", "untuk", "selama", "kembali", "cetak"),
    "it": ("se", "altrimenti", "per", "mentre", "ritorna", "stampa"),
    "ja": ("もし", "それ以外", "ために", "間", "戻る", "印刷"),
    "ko": ("만약", "그렇지않으면", "위해", "동안", "반환", "인쇄"),
    "ms": ("jika", "lain", "untuk", "semasa", "kembali", "cetak"),
    "pt": ("se", "senão", "para", "enquanto", "retornar", "imprimir"),
    "tr": ("eğer", "değilse", "için", "iken", "döndür", "yazdır"),
    "vi": ("nếu", "khác", "cho", "trong_khi", "trả_về", "in"),
}
_KEYWORD_RE = re.compile(r"\b(if|else|for|while|return|print)\b")
_KEYWORD_INDEX = {"if": 0, "else": 1, "for": 2, "while": 3, "return": 4, "print": 5}

# English answers a booster gives instead of the record's language (written for this bench).
ENGLISH = (
    "Sure, the answer is yes: it depends on the context.",
    "The main idea of the text is that technology changes how people work and communicate.",
    "Here is a short summary: the author argues that regular exercise improves both physical "
    "health and mental well-being, and recommends at least thirty minutes of activity a day.",
    "1. Choose a clear goal.\n2. Break it into small steps.\n3. Review your progress every "
    "week.\n4. Adjust the plan when something does not work.",
    "To solve this problem, we first identify the known values. Then we apply the formula and "
    "simplify the expression step by step. Finally, we check the result by substituting it back "
    "into the original equation, which confirms that the solution is correct.",
    "Climate change refers to long-term shifts in temperatures and weather patterns. Since the "
    "1800s, human activities have been the main driver of climate change, primarily due to "
    "burning fossil fuels like coal, oil and gas. Burning fossil fuels generates greenhouse gas "
    "emissions that act like a blanket wrapped around the Earth, trapping the sun's heat and "
    "raising temperatures. The consequences include droughts, water scarcity, severe fires, "
    "rising sea levels, flooding, melting polar ice and catastrophic storms.",
    "Here are some tips for writing a good story:\n\n- Start with a strong opening that grabs "
    "the reader's attention.\n- Create characters with clear motivations.\n- Build tension "
    "through conflict.\n- Show, don't tell: use details and actions instead of explanations.\n"
    "- End with a satisfying resolution that ties the main threads together.\n\nWith practice, "
    "these habits become natural, and your stories will feel more alive and engaging.",
)

# Short English answers (below the language guard's 40 characters): what a booster that
# falls back to the English source of a short pair writes (written for this bench).
SHORT_ENGLISH = (
    "The answer is 42.",
    "Yes, that is correct.",
    "The subject is the cat.",
    "It is a positive sentence.",
    "The capital of France is Paris.",
    "The sum of the numbers is 15.",
    "This is a question",
    "The verb is in the past tense.",
    "There are three vowels in it.",
    "The best option is the first one",
    "No, the statement is false.",
    "A bird that can fly",
)

CHATTER_HEAD = "Sure! Here is an improved version of the pair, more specific and detailed:\n\n"
CHATTER_TAIL = (
    "\n\nI hope this helps! Let me know if you would like me to make any other changes to the text."
)


@dataclass(frozen=True, slots=True)
class Case:
    raw: Fields
    revised: Fields
    lang: str
    index: int  # the record's position in the sample: picks variants deterministically
    other_revised: Fields  # the same record's revision in another language
    other_instruction: str  # another record's instruction, same language


def tagged(fields: Fields) -> str:
    instruction, input_text, response = fields
    return f"<|instruction|>{instruction}\n<|input|>{input_text}\n<|response|>{response}"


def _with_response(case: Case, response: str) -> str:
    return tagged((case.revised[0], case.revised[1], response))


def _cut_points(
    text: str, lang: str, *, mid_word: bool, span: tuple[float, float] = (0.3, 0.85)
) -> list[int]:
    """Positions in ``span`` of ``text`` (shares of its length; by default the middle) where a
    cut leaves a sentence unfinished."""
    lo, hi = int(len(text) * span[0]), int(len(text) * span[1])
    points = []
    if lang in _UNSPACED:
        for i in range(lo, hi):
            if text[i - 1].isalnum() and text[i].isalnum():
                points.append(i)
        return points
    if mid_word:
        for m in _WORD.finditer(text, lo, hi):
            points.append(m.start() + len(m.group()) // 2)
        return points
    for i in range(lo, hi):
        if text[i] == " " and text[i - 1].isalnum() and text[i + 1 : i + 2].isalnum():
            points.append(i)
    return points


def trunc_sentence(case: Case) -> str | None:
    response = case.revised[2]
    points = _cut_points(response, case.lang, mid_word=False) if len(response) >= 60 else []
    if not points:
        return None
    return _with_response(case, response[: points[case.index % len(points)]])


def trunc_word(case: Case) -> str | None:
    response = case.revised[2]
    points = _cut_points(response, case.lang, mid_word=True) if len(response) >= 60 else []
    if not points:
        return None
    return _with_response(case, response[: points[case.index % len(points)]])


def trunc_late(case: Case) -> str | None:
    """Cut between two words in the last 15% of the answer: its last sentence, item or line
    left open near its end (`Ich hoffe, dein Blogbeitrag` for `... wird großartig!`)."""
    response = case.revised[2]
    points = (
        _cut_points(response, case.lang, mid_word=False, span=(0.85, 0.995))
        if len(response) >= 60
        else []
    )
    if not points:
        return None
    return _with_response(case, response[: points[case.index % len(points)]])


def trunc_list(case: Case) -> str | None:
    """Cut at the last list item: just after its marker, after one letter, or mid-item."""
    response = case.revised[2]
    markers = list(_LIST_LINE.finditer(response))
    if len(markers) < 2:
        return None
    item = markers[-1] if case.index % 2 else markers[len(markers) // 2 + 1 - 1]
    start = item.end()
    line_end = response.find("\n", start)
    line_end = len(response) if line_end < 0 else line_end
    variant = case.index % 3
    if variant == 0:
        cut = start  # `- ` or `3. `
    elif variant == 1:
        cut = start + 1  # `- ф`
    else:
        cut = start + max(2, (line_end - start) // 2)
    if cut >= len(response[:line_end].rstrip()):
        return None  # the item is whole (`- 팝`): no cut; as the last line, the good revision
    return _with_response(case, response[:cut])


def _code_case(case: Case) -> tuple[Fields, Fields]:
    """The record with a snippet appended to its raw and revised responses."""
    snippet = SNIPPETS[case.index % len(SNIPPETS)]
    raw, revised = case.raw, case.revised
    return (raw[0], raw[1], raw[2] + "\n\n" + snippet), (
        revised[0],
        revised[1],
        revised[2] + "\n\n" + snippet,
    )


def good_code(case: Case) -> tuple[Fields, str]:
    raw, revised = _code_case(case)
    return raw, tagged(revised)


def trunc_code(case: Case) -> tuple[Fields, str]:
    raw, revised = _code_case(case)
    response = revised[2]
    fence = response.rfind("```", 0, len(response) - 3)
    lines = [m.end() for m in re.finditer(r"\n", response[fence:])][1:-1]
    cut = fence + lines[case.index % len(lines)]
    return raw, tagged((revised[0], revised[1], response[:cut]))


def code_dropped(case: Case) -> tuple[Fields, str]:
    raw, revised = _code_case(case)
    return raw, tagged((revised[0], revised[1], case.revised[2]))


def code_translated(case: Case) -> tuple[Fields, str]:
    raw, revised = _code_case(case)
    words = KEYWORDS[case.lang]
    response = revised[2]
    fence = response.rfind("```", 0, len(response) - 3)
    code = _KEYWORD_RE.sub(lambda m: words[_KEYWORD_INDEX[m.group(1)]], response[fence:])
    return raw, tagged((revised[0], revised[1], response[:fence] + code))


def one_line(case: Case) -> str | None:
    response = case.revised[2].strip()
    first = response.split("\n", 1)[0].strip()
    sentence = re.split(r"(?<=[.!?。！？؟])\s*", first, maxsplit=1)[0]
    line = sentence if len(sentence) >= 8 else first
    if len(case.raw[2]) < 3 * len(line) or len(case.raw[2]) < 80:
        return None
    if line == response.rstrip(".。"):
        return None  # the revision is one line already: nothing was dropped
    return _with_response(case, line)


def first_sentences(case: Case) -> str | None:
    """The answer stopped after its first two sentences (a stop token too early): whole
    sentences, a finished last one, a fraction of the revision."""
    response = case.revised[2].strip()
    parts = re.split(r"(?<=[.!?。！？؟])\s+", response)
    if len(parts) < 5 or "\n" in " ".join(parts[:2]):
        return None
    return _with_response(case, " ".join(parts[:2]))


def one_word(case: Case) -> str | None:
    words = case.revised[2].split()
    if len(case.raw[2]) < 15 or not words:
        return None
    word = words[0].strip(".,:;!?()\"'*-")
    if case.lang in _UNSPACED:
        word = case.revised[2].strip()[:3]
    if not word or len(case.raw[2]) < 3 * len(word):
        return None
    return _with_response(case, word)


def english(case: Case) -> str | None:
    size = len(case.revised[2])
    ranked = sorted(ENGLISH, key=lambda text: abs(len(text) - size))
    return _with_response(case, ranked[case.index % 2])


def english_short(case: Case) -> str | None:
    """A short pair answered in English: the revision short too (an answer, a value)."""
    if len(case.revised[2]) > 80:
        return None
    return _with_response(case, SHORT_ENGLISH[case.index % len(SHORT_ENGLISH)])


def other_language(case: Case) -> str | None:
    return _with_response(case, case.other_revised[2])


def repetition(case: Case) -> str | None:
    response = case.revised[2].rstrip()
    variant = case.index % 3
    if variant == 0:  # the last sentence again and again
        parts = re.split(r"(?<=[.!?。！？؟])\s*", response)
        unit = next((p for p in reversed(parts) if len(p.strip()) >= 8), response[-60:])
        return _with_response(case, response + (" " + unit.strip()) * 8)
    if variant == 1:  # a short phrase looping
        words = response.split()[:2] or [response[:4]]
        phrase = " ".join(words).strip(".,")
        return _with_response(case, response + " " + ", ".join([phrase] * 20))
    line = response.split("\n")[-1].strip() or response[:50]  # a line looping
    return _with_response(case, response + ("\n" + line) * 8)


def task_rewritten(case: Case) -> str | None:
    if case.other_instruction.strip() == case.revised[0].strip():
        return None
    return tagged((case.other_instruction, case.revised[1], case.revised[2]))


def chatter_untagged(case: Case) -> str | None:
    return CHATTER_HEAD + case.revised[2] + CHATTER_TAIL


def chatter_tagged(case: Case) -> str | None:
    return CHATTER_HEAD + tagged(case.revised) + CHATTER_TAIL


def tags_swapped(case: Case) -> str | None:
    """The model put the fields under each other's tags: the response text under
    ``<|instruction|>`` and the instruction under ``<|response|>``."""
    instruction, input_text, response = case.revised
    if instruction.strip() == response.strip():
        return None
    return f"<|response|>{instruction}\n<|input|>{input_text}\n<|instruction|>{response}"


Builder = Callable[[Case], "str | tuple[Fields, str] | None"]
KINDS: dict[str, Builder] = {
    "good": lambda case: tagged(case.revised),
    "good_code": good_code,
    "trunc_sentence": trunc_sentence,
    "trunc_word": trunc_word,
    "trunc_late": trunc_late,
    "trunc_list": trunc_list,
    "trunc_code": trunc_code,
    "one_line": one_line,
    "one_word": one_word,
    "first_sentences": first_sentences,
    "english": english,
    "english_short": english_short,
    "other_language": other_language,
    "repetition": repetition,
    "code_dropped": code_dropped,
    "code_translated": code_translated,
    "task_rewritten": task_rewritten,
    "chatter_untagged": chatter_untagged,
    "chatter_tagged": chatter_tagged,
    "tags_swapped": tags_swapped,
}
GOOD_KINDS = frozenset({"good", "good_code"})

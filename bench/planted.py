"""Planted-defect generator: takes clean pairs and plants one realistic MT defect of a kind.

Each ``plant_*`` returns ``Planted(pair, expected, source)`` or None when the kind does not
apply to that record: ``expected`` is the pair a deterministic fix should give back (None when
the defect is not fixable), ``source`` an English-code source pair for code restoration.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass

from midb_cli.checks.lexicon import TRANSLATED_KEYWORDS
from midb_cli.records.pair import Pair


@dataclass(frozen=True)
class Planted:
    kind: str
    pair: Pair
    expected: Pair | None
    source: Pair | None = None


ENGLISH_SENTENCES = (
    "This is the most important step of the whole process.",
    "You should always check the results before you share them with others.",
    "The main reason for this is that the market has changed over the years.",
    "It is important to remember that these values can change over time.",
    "There are many ways to improve the quality of your work.",
    "This approach has been used by many companies around the world.",
    "In addition, you can add a short summary at the end of the text.",
    "The results of the study show that the method works well in practice.",
    "Make sure that you have all the ingredients ready before you start.",
    "These changes will help the team to work more efficiently.",
    "What matters most is that the customer is happy with the product.",
    "For this reason, it is better to start with a simple solution.",
)

# Small programs with English keywords; identifiers are placeholders filled per language.
CODE_SNIPPETS = (
    "```python\ndef {f}({a}):\n    if {a} > 0:\n        return {a} * 2\n    else:\n        return 0\n\nfor {i} in range(10):\n    print({f}({i}))\n```",
    "```python\n{t} = 0\nwhile {t} < 5:\n    {t} += 1\nprint({t})\n```",
    "```javascript\nfunction {f}({a}) {{\n  if ({a} === 0) {{\n    return 1;\n  }}\n  return {a} * {f}({a} - 1);\n}}\n```",
    "```python\nfor {i} in range(3):\n    if {i} % 2 == 0:\n        print({i})\n```",
)
LOCAL_NAMES = {
    "de": ("berechne", "zahl", "zähler", "summe"), "es": ("calcular", "numero", "contador", "suma"),
    "fr": ("calculer", "nombre", "compteur", "somme"), "it": ("calcola", "numero", "contatore", "somma"),
    "pt": ("calcular", "numero", "contador", "soma"), "tr": ("hesapla", "sayi", "sayac", "toplam"),
    "cs": ("spocitej", "cislo", "pocitadlo", "soucet"), "id": ("hitung", "angka", "penghitung", "jumlah"),
    "ms": ("kira", "nombor", "pembilang", "jumlah"), "vi": ("tinh", "so", "dem", "tong"),
}  # fmt: skip
DEFAULT_NAMES = ("compute", "value", "counter", "total")

PLACEHOLDERS = {
    "de": ("Keine Eingabe", "<keine Eingabe>", "Kein Input"), "es": ("Sin entrada", "<sin entrada>"),
    "fr": ("Aucune entrée", "<aucune entrée>", "Pas d'entrée"), "it": ("Nessun input", "<nessun input>"),
    "pt": ("Sem entrada", "<sem entrada>", "Nenhuma entrada"), "tr": ("Girdi yok", "<Girdi yok>"),
    "cs": ("Žádný vstup", "<žádný vstup>"), "id": ("Tidak ada input", "<tidak ada input>"),
    "ms": ("Tiada input", "<tiada input>"), "vi": ("Không có đầu vào", "<không có đầu vào>"),
    "ja": ("入力なし", "<入力なし>"), "ko": ("입력 없음", "<입력 없음>"),
    "ar": ("لا يوجد إدخال", "<لا يوجد إدخال>"),
}  # fmt: skip
COMMON_PLACEHOLDERS = ("<noinput>", "`<noinput>`", "Noinput", "No input", '"<noinput>"')

SENTENCE_END_RE = re.compile(r"(?<=[.!?。！？؟])\s+|(?<=[。！？])")


def _sentence_cuts(text: str) -> list[int]:
    return [m.end() for m in SENTENCE_END_RE.finditer(text) if 0 < m.end() < len(text)]


def plant_wrong_language(pair: Pair, lang: str, rng: random.Random, other: Pair) -> Planted | None:
    if len(other.response) < 60:
        return None
    return Planted("wrong_language", pair.with_field("response", other.response), None)


def plant_untranslated(pair: Pair, lang: str, rng: random.Random) -> Planted | None:
    cuts = _sentence_cuts(pair.response)
    if len(pair.response) < 40:
        return None
    english = rng.choice(ENGLISH_SENTENCES)
    if cuts:
        at = rng.choice(cuts)
        text = pair.response[:at] + english + " " + pair.response[at:]
    else:
        text = pair.response.rstrip() + " " + english
    return Planted("untranslated_segment", pair.with_field("response", text), None)


def code_for(lang: str, rng: random.Random) -> str:
    f, a, i, t = LOCAL_NAMES.get(lang, DEFAULT_NAMES)
    return rng.choice(CODE_SNIPPETS).format(f=f, a=a, i=i, t=t)


def translate_code(code: str, lang: str, rng: random.Random) -> str:
    """Translate the code keywords the way MT does (each English keyword -> one local word)."""
    table = TRANSLATED_KEYWORDS[lang]
    reverse: dict[str, str] = {}
    for word, en in table.items():
        reverse.setdefault(en, word)
    # MT translates most, not always all keywords; keep at least one translated
    keys = [k for k in ("if", "for", "while", "return", "else", "print") if k in reverse]
    chosen = [k for k in keys if rng.random() < 0.7] or keys[:1]
    pattern = re.compile(r"\b(" + "|".join(chosen) + r")\b")
    return pattern.sub(lambda m: reverse[m.group(1)], code)


def plant_translated_code(pair: Pair, lang: str, rng: random.Random) -> Planted:
    code = code_for(lang, rng)
    mangled = translate_code(code, lang, rng)
    if mangled == code:  # the snippet had none of the chosen keywords: translate all
        mangled = translate_code(code.replace("```", "```"), lang, random.Random(0))
    clean = pair.with_field("response", pair.response.rstrip() + "\n\n" + code)
    bad = pair.with_field("response", pair.response.rstrip() + "\n\n" + mangled)
    return Planted("translated_code", bad, clean, source=clean)


def clean_with_code(pair: Pair, lang: str, rng: random.Random) -> Pair:
    """A clean record with valid code using local-language identifiers."""
    return pair.with_field("response", pair.response.rstrip() + "\n\n" + code_for(lang, rng))


def plant_repetition(pair: Pair, lang: str, rng: random.Random) -> Planted | None:
    text = pair.response
    starts = [0, *_sentence_cuts(text)]
    bounds = [*starts[1:], len(text)]
    units = [
        (s, e) for s, e in zip(starts, bounds, strict=True) if 15 <= len(text[s:e].strip()) <= 200
    ]
    if not units:
        return None
    s, e = rng.choice(units)
    unit = text[s:e].rstrip()
    sep = " " if lang not in ("ja",) else ""
    loop = (unit + sep) * rng.randint(2, 5)
    bad = text[:s] + loop + text[s:]
    return Planted("repetition", pair.with_field("response", bad), pair)


def plant_empty(pair: Pair, lang: str, rng: random.Random) -> Planted:
    return Planted("empty_response", pair.with_field("response", rng.choice(("", " ", "\n"))), None)


def plant_placeholder(pair: Pair, lang: str, rng: random.Random) -> Planted | None:
    if pair.input.strip():
        return None
    choice = rng.choice(PLACEHOLDERS.get(lang, ()) + COMMON_PLACEHOLDERS)
    return Planted("placeholder_input", pair.with_field("input", choice), pair)


def plant_field_leak(pair: Pair, lang: str, rng: random.Random) -> Planted | None:
    variant = rng.randrange(4)
    if variant == 0 and pair.input.strip() and "\n" not in pair.instruction:
        bad = Pair(pair.instruction + "\nInput: " + pair.input, "", pair.response)
        return Planted("field_leak", bad, pair)
    if variant == 1:
        return Planted(
            "field_leak", pair.with_field("response", "Response: " + pair.response), pair
        )
    if variant == 2:
        return Planted(
            "field_leak", pair.with_field("response", "<|response|>" + pair.response), pair
        )
    bad = pair.with_field("response", pair.response + "\n<|instruction|>" + pair.instruction)
    return Planted("field_leak", bad, pair)


_ASCII_PUNCT = {"ja": {"。": ".", "、": ","}, "ar": {"؟": "?", "،": ","}, "el": {";": "?"}}


def plant_punctuation(pair: Pair, lang: str, rng: random.Random) -> Planted | None:
    table = _ASCII_PUNCT.get(lang)
    if not table or not any(c in pair.response for c in table):
        return None
    text = "".join(table.get(c, c) if rng.random() < 0.8 else c for c in pair.response)
    if text == pair.response:
        text = "".join(table.get(c, c) for c in pair.response)
    return Planted("punctuation_locale", pair.with_field("response", text), pair)


def plant_mojibake(pair: Pair, lang: str, rng: random.Random) -> Planted | None:
    text = pair.response
    if text.isascii():
        return None
    cuts = [0, *_sentence_cuts(text), len(text)]
    whole = rng.random() < 0.5 or len(cuts) < 3
    s, e = (0, len(text)) if whole else sorted(rng.sample(cuts, 2))
    part = text[s:e]
    if part.isascii():
        s, e, part = 0, len(text), text
    for codec in (rng.choice(("cp1252", "latin-1")), "latin-1"):
        try:
            damaged = part.encode("utf-8").decode(codec)
            break
        except UnicodeDecodeError:
            continue
    bad = text[:s] + damaged + text[e:]
    return Planted("mojibake", pair.with_field("response", bad), pair)


def plant_truncated(pair: Pair, lang: str, rng: random.Random) -> Planted | None:
    text = pair.response.rstrip()
    if rng.random() < 0.25:
        bad = text + "\n\n" + code_for(lang, rng).rsplit("\n```", 1)[0]
        return Planted("truncated", pair.with_field("response", bad), None)
    if len(text) < 80:
        return None
    if rng.random() < 0.3:
        # a hard cut at any character (a token limit), away from punctuation
        positions = [i for i in range(len(text) // 3, len(text) - 5) if text[i - 1].isalpha()]
    elif lang in ("ja",):
        # cut inside a sentence, after a kana/kanji, away from punctuation
        positions = [
            i
            for i in range(len(text) // 3, len(text) - 5)
            if text[i - 1].isalpha() and text[i].isalpha()
        ]
    else:
        positions = [
            m.start() for m in re.finditer(r"(?<=\w) (?=\w)", text) if m.start() > len(text) // 3
        ]
    if not positions:
        return None
    at = rng.choice(positions)
    return Planted("truncated", pair.with_field("response", text[:at]), None)


# MT's input labels, as they open an input (rows 282 and 975 of the shared data).
INPUT_LABELS = {
    "es": "Entrada:", "pt": "Entrada:", "fr": "Entrée :", "de": "Eingabe:", "it": "Input:",
    "ja": "入力:", "ko": "입력:", "tr": "Girdi:", "ar": "الإدخال:", "cs": "Vstup:",
    "vi": "Nhập:", "id": "Masukan:", "ms": "Input:", "ru": "Ввод:", "el": "Είσοδος:",
    "th": "อินพุต:",
}  # fmt: skip
RESPONSE_PLACEHOLDERS = {
    "de": "<keine Eingabe>", "pt": "<sem entrada>", "ms": "<tiadamasukan>", "es": "<sin entrada>",
    "fr": "<aucune entrée>", "it": "<nessun input>", "id": "<tidak ada input>",
}  # fmt: skip
ENGLISH_TASKS = (
    "Write a short paragraph about why teamwork matters.",
    "Explain how to prepare for a job interview.",
    "Describe the benefits of learning a second language.",
    "Give three tips for writing a clear email.",
)


def plant_input_label(pair: Pair, lang: str, rng: random.Random) -> Planted | None:
    """A translated `Input:` label opening the input (the fix removes it)."""
    if not pair.input.strip() or lang not in INPUT_LABELS:
        return None
    bad = pair.with_field("input", INPUT_LABELS[lang] + " " + pair.input)
    return Planted("input_label", bad, pair)


def plant_placeholder_response(pair: Pair, lang: str, rng: random.Random) -> Planted:
    text = rng.choice((RESPONSE_PLACEHOLDERS.get(lang, "<noinput>"), "<noinput>"))
    return Planted("placeholder_response", pair.with_field("response", text), None)


def plant_untranslated_record(pair: Pair, lang: str, rng: random.Random) -> Planted:
    """The whole record left in English (MT skipped it): one record-level finding."""
    sentences = rng.sample(ENGLISH_SENTENCES, 3)
    return Planted(
        "untranslated_record", Pair(rng.choice(ENGLISH_TASKS), "", " ".join(sentences)), None
    )


def plant_split_instruction(pair: Pair, lang: str, rng: random.Random) -> Planted | None:
    """MT split the instruction: its head stays, its tail and an input label open the input."""
    words = pair.instruction.split(" ")
    if len(words) < 4 or not pair.input.strip() or lang not in INPUT_LABELS:
        return None
    at = rng.randrange(1, len(words) - 1)
    head, tail = " ".join(words[:at]), " ".join(words[at:])
    bad = Pair(head, tail + " " + INPUT_LABELS[lang] + " " + pair.input, pair.response)
    return Planted("split_instruction", bad, None)


PLANTERS: dict[str, Callable[..., Planted | None]] = {
    "wrong_language": plant_wrong_language,
    "untranslated_segment": plant_untranslated,
    "translated_code": plant_translated_code,
    "repetition": plant_repetition,
    "empty_response": plant_empty,
    "placeholder_input": plant_placeholder,
    "field_leak": plant_field_leak,
    "punctuation_locale": plant_punctuation,
    "mojibake": plant_mojibake,
    "truncated": plant_truncated,
    "input_label": plant_input_label,
    "placeholder_response": plant_placeholder_response,
    "untranslated_record": plant_untranslated_record,
    "split_instruction": plant_split_instruction,
}
#: planted kinds found by a finding of another kind
FOUND_AS = {"input_label": "field_leak"}
#: kinds added after the first published figures
LATER_KINDS = frozenset(
    {"input_label", "placeholder_response", "untranslated_record", "split_instruction"}
)
#: finding kinds added with them: real defects of the MT data (clean bases may hold them)
LATER_FINDINGS = LATER_KINDS - set(FOUND_AS)

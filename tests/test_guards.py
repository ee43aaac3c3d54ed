"""RevisionGuard on its own: long real revisions pass, every refusal reason is precise.

The fixture holds real MEB pairs whose expert revision is more than four times longer than the
raw pair (tests/data/guards/long_revisions.jsonl); the bad revisions are built from them the
way a small booster spoils an answer (bench/eval_guards.py measures the same on the shared
data)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from guard_judge import identifier, judge
from midb_cli.boost.guards import GUARD_REASONS, GuardSettings, RevisionGuard
from midb_cli.checks import Checker
from midb_cli.records.pair import Pair

DATA = Path(__file__).parent / "data" / "guards" / "long_revisions.jsonl"
ROWS = {row["id"]: row for row in map(json.loads, DATA.read_text(encoding="utf-8").splitlines())}


def pairs(record_id: str) -> tuple[Pair, Pair]:
    row = ROWS[record_id]
    raw = Pair(row["Raw Instruction"], row["Raw Input"], row["Raw Response"])
    revised = Pair(row["Revised Instruction"], row["Revised Input"], row["Revised Response"])
    return raw, revised


def reason(original: Pair, revised: Pair, lang: str, **kwargs: object) -> str | None:
    return judge(original, revised, lang, **kwargs).reason  # type: ignore[arg-type]


# -- good revisions -------------------------------------------------------------------------


@pytest.mark.parametrize("record_id", sorted(ROWS))
def test_long_real_revisions_are_accepted(record_id: str) -> None:
    raw, revised = pairs(record_id)
    grown = sum(map(len, revised.as_dict().values())) / sum(map(len, raw.as_dict().values()))
    assert grown > 4
    assert reason(raw, revised, ROWS[record_id]["lang"], finish_reason="stop") is None


def test_a_length_limit_is_a_setting() -> None:
    raw, revised = pairs("de-37")
    assert reason(raw, revised, "de", settings=GuardSettings(max_length_ratio=4.0)) == (
        "guard:length_ratio"
    )


def test_collapsing_a_repetition_loop_is_no_collapse() -> None:
    loop = "Die Antwort ist 10010. " * 12
    original = Pair("Konvertiere die Dezimalzahl 18 in ihre binäre Darstellung", "", loop)
    revised = original.with_field("response", "Die binäre Darstellung von 18 ist 10010.")
    assert reason(original, revised, "de") is None


def test_a_rewritten_untranslated_instruction_is_accepted() -> None:
    # MT left the instruction in English; the expert writes it in French: a new text on purpose
    raw, revised = pairs("fr-37")
    english = raw.with_field("instruction", "Convert the decimal number 18 to binary notation")
    assert reason(english, revised, "fr") is None


# -- refusals, one per reason ---------------------------------------------------------------


def test_booster_tags_in_a_field() -> None:
    raw, revised = pairs("de-37")
    leaked = revised.with_field("response", revised.response + "\n<|response|> Noch einmal.")
    assert reason(raw, leaked, "de") == "guard:field_leak"


def test_an_emptied_response() -> None:
    raw, revised = pairs("de-37")
    assert reason(raw, revised.with_field("response", "  "), "de") == "guard:empty_response"


def test_an_answer_that_hit_the_token_limit() -> None:
    raw, revised = pairs("de-37")
    assert reason(raw, revised, "de", finish_reason="length") == "guard:truncated"


@pytest.mark.parametrize(
    ("record_id", "cut"),
    [
        ("de-37", "\n\n- "),  # a bare list marker
        ("fr-17", "\n\n- J"),  # a marker and one letter
        ("cs-46", " a chol"),  # mid-word, where the original goes on
        ("de-37", ". Schreibe 0 auf.\n\n- Teile 9 durch 2. Der Quotient ist"),  # an open item
    ],
)
def test_a_response_cut_short(record_id: str, cut: str) -> None:
    raw, revised = pairs(record_id)
    text = revised.response
    if record_id == "cs-46":
        text = raw.response[: raw.response.index(cut) + len(cut)]
    else:
        text = text[: text.index(cut) + len(cut)]
    lang = ROWS[record_id]["lang"]
    assert reason(raw, revised.with_field("response", text), lang) == "guard:truncated"


def test_a_code_block_left_open_is_truncated_not_dropped() -> None:
    code = "\n\n```python\nprint(bin(18))\n```"
    raw, revised = pairs("de-37")
    original = raw.with_field("response", raw.response + code)
    cut = revised.response + "\n\n```python\nprint(bin("
    assert reason(original, revised.with_field("response", cut), "de") == "guard:truncated"


@pytest.mark.parametrize("answer", ["Um", "10010"])
def test_a_one_word_answer_is_a_collapsed_response(answer: str) -> None:
    raw, _ = pairs("de-37")
    assert reason(raw, raw.with_field("response", answer), "de") == "guard:response_collapsed"


def test_fields_written_under_each_other_s_tags() -> None:
    raw, revised = pairs("de-17")
    swapped = Pair(revised.response, revised.input, revised.instruction)
    assert reason(raw, swapped, "de") == "guard:fields_swapped"


def test_an_instruction_turned_into_another_task() -> None:
    raw, revised = pairs("de-37")
    other = revised.with_field("instruction", "Schreibe ein Gedicht über den Herbst im Wald.")
    assert reason(raw, other, "de") == "guard:instruction_changed"


def test_a_much_shorter_pair() -> None:
    raw, _ = pairs("ja-26")
    # with the collapse guard off, the pair-level lower bound still holds
    half = raw.with_field("response", raw.response[: int(len(raw.response) * 0.25)] + "。")
    assert reason(raw, half, "ja", settings=GuardSettings(min_response_ratio=0.0)) == (
        "guard:length_ratio"
    )


def test_dropped_code() -> None:
    code = "\n\n```python\nprint(bin(18))\n```"
    raw, revised = pairs("de-37")
    original = raw.with_field("response", raw.response + code)
    assert reason(original, revised, "de") == "guard:code_dropped"


def test_translated_code() -> None:
    code = "\n\n```python\nif n > 0:\n    print(bin(n))\n```"
    raw, revised = pairs("de-37")
    original = raw.with_field("response", raw.response + code)
    translated = code.replace("if n", "wenn n").replace("print(", "drucken(")
    revised = revised.with_field("response", revised.response + translated)
    assert reason(original, revised, "de") == "guard:code_translated"


def test_a_response_in_english() -> None:
    raw, revised = pairs("de-37")
    english = (
        "To convert a decimal number to binary, divide it by 2 repeatedly and write the "
        "remainders in reverse order. The binary representation of 18 is 10010."
    )
    assert reason(raw, revised.with_field("response", english), "de") == "guard:language"


def test_a_response_in_another_language() -> None:
    raw, _ = pairs("de-37")
    _, french = pairs("fr-37")
    assert reason(raw, raw.with_field("response", french.response), "de") == "guard:language"


def test_a_repetition_loop() -> None:
    raw, revised = pairs("de-37")
    loop = revised.response + " Schreibe 1 auf." * 10
    assert reason(raw, revised.with_field("response", loop), "de") == "guard:repetition"


def test_every_reason_is_listed() -> None:
    assert len(set(GUARD_REASONS)) == len(GUARD_REASONS) == 11
    assert all(r.startswith("guard:") for r in GUARD_REASONS)


def test_the_length_ratio_flag_applies() -> None:
    ident = identifier()
    guard = RevisionGuard(ident, Checker(ident), GuardSettings(max_length_ratio=1.5))
    raw, revised = pairs("de-37")
    assert guard.check(raw, revised, "de", []) == "guard:length_ratio"


# -- cuts that end in "stop" (no finish_reason "length" to tell) ----------------------------


@pytest.mark.parametrize(
    ("record_id", "tail"),
    [
        ("de-37", "\n\nDas Ergebnis hängt nur von den Resten ab, aber"),  # a conjunction
        ("fr-37", "\n\nLe résultat dépend uniquement des restes, mais"),
        ("cs-46", "\n\nVšechny tři nemoci se šíří hlavně vodou, ale"),
    ],
)
def test_a_response_that_stops_on_a_function_word(record_id: str, tail: str) -> None:
    raw, revised = pairs(record_id)
    cut = revised.with_field("response", revised.response + tail)
    lang = ROWS[record_id]["lang"]
    assert reason(raw, cut, lang, finish_reason="stop") == "guard:truncated"


@pytest.mark.parametrize("tail", ["\n\n16 + 2 =", "\n\nDas Ergebnis (16 + 2 ergibt 18"])
def test_a_formula_or_bracket_left_open(tail: str) -> None:
    raw, revised = pairs("de-37")
    cut = revised.with_field("response", revised.response + tail)
    assert reason(raw, cut, "de", finish_reason="stop") == "guard:truncated"


def test_a_list_item_the_original_has_longer() -> None:
    original = Pair(
        "Vyjmenujte tři věci, které si vezmete na pláž.",
        "",
        "Na pláž si vezmu tyto věci:\n- Plavky\n- Ručník\n- Opalovací krém",
    )
    cut = original.with_field(
        "response",
        "Tady jsou tři věci, které si vezměte na pláž:\n\n- Plavky\n\n- Ručník\n\n- Opalovací",
    )
    assert reason(original, cut, "cs") == "guard:truncated"


@pytest.mark.parametrize(
    "tail",
    [
        "\n\n訪問者はこの城で次のようになりま",  # a verb cut before its ending (ます)
        "\n\n塔の中ではホワイト",  # the start of a loanword the original writes in full
    ],
)
def test_japanese_cuts(tail: str) -> None:
    raw, revised = pairs("ja-26")
    cut = revised.with_field("response", revised.response + tail)
    assert reason(raw, cut, "ja", finish_reason="stop") == "guard:truncated"


def test_a_korean_particle_ends_no_sentence() -> None:
    original = Pair(
        "기후 변화의 주요 원인을 설명하세요.",
        "",
        "기후 변화의 주요 원인은 화석 연료의 연소로 인한 온실가스 배출입니다.",
    )
    cut = original.with_field(
        "response",
        "기후 변화의 주요 원인은 석탄, 석유, 가스와 같은 화석 연료를 태워 생기는 온실가스의",
    )
    assert reason(original, cut, "ko") == "guard:truncated"


# -- open endings that are no cut -----------------------------------------------------------


@pytest.mark.parametrize(
    ("original_response", "revised_response"),
    [
        # the original's own last item, with a stop added to the earlier ones
        (
            "1. Harry se inscribió en la universidad\n2. Harry conoció a Bill allí\n"
            "3. Bill se graduó con un título en economía",
            "Las oraciones en orden cronológico son:\n\n- Harry se inscribió en la universidad."
            "\n\n- Harry conoció a Bill allí.\n\n- Bill se graduó con un título en economía",
        ),
        # a quoted title in the original, a title in the revision
        (
            '"Soltar para encontrar dirección: una historia de reflexión personal"',
            "Cómo encontrar tu propio camino después de una gran pérdida personal",
        ),
        # a quote and its author
        (
            '"El dolor es inevitable, pero el sufrimiento es opcional."',
            "“Cree que puedes y ya estás a medio camino.” - Theodore Roosevelt",
        ),
        # a list of words on one line
        (
            "Divertido, gracioso, ingenioso, cómico.",
            "Divertido, gracioso, hilarante, ingenioso, cómico y entretenido",
        ),
        # a part-of-speech answer lists function words as values
        (
            "El (artículo) gato (sustantivo) duerme (verbo).",
            "Las partes de la oración son:\n\n- Sustantivo: gato\n\n- Verbo: duerme\n\n"
            "- Artículo: el",
        ),
    ],
)
def test_open_endings_of_good_revisions_are_accepted(
    original_response: str, revised_response: str
) -> None:
    original = Pair("Responde a la tarea dada con una lista breve.", "", original_response)
    revised = original.with_field("response", revised_response)
    assert reason(original, revised, "es", finish_reason="stop") is None


def test_a_new_instruction_built_from_the_record_s_own_words() -> None:
    raw, revised = pairs("de-37")
    task = revised.with_field(
        "instruction", "Wie lautet die binäre Darstellung der Dezimalzahl 18?"
    )
    assert reason(raw, task, "de") is None


# -- fields the revision left alone ---------------------------------------------------------


def test_unchanged_fields_keep_the_original_s_findings() -> None:
    # the instruction carries a finding (mojibake); only the response is revised
    raw, revised = pairs("de-37")
    original = raw.with_field("instruction", raw.instruction.replace("ä", "Ã¤"))
    ident = identifier()
    checker = Checker(ident)
    record_lang = ident.identify(original, "de")
    before = checker.check(original, record_lang)
    in_instruction = [f for f in before if f.field == "instruction"]
    assert in_instruction
    result = RevisionGuard(ident, checker).evaluate(
        original,
        revised.with_field("instruction", original.instruction),
        "de",
        before,
        original_lang=record_lang,
    )
    assert result.reason is None
    kept = [f for f in result.findings_after if f.field == "instruction"]
    # the very findings of the original, not a second check of the same text
    assert len(kept) == len(in_instruction)
    assert all(any(k is f for f in in_instruction) for k in kept)


def test_the_task_under_the_response_tag_when_the_answer_restates_it() -> None:
    original = Pair(
        "Identifica los dos personajes principales en el pasaje dado.",
        "John y Lisa se conocieron en una cafetería del centro y hablaron durante horas.",
        "John y Lisa",
    )
    swapped = Pair(
        "Los dos personajes principales en el pasaje dado son John y Lisa.",
        original.input,
        original.instruction,
    )
    assert reason(original, swapped, "es") == "guard:fields_swapped"


# -- cuts read against the revision's own lines (finish_reason "stop") ----------------------


_TASK = {
    "cs": "Odpovězte na zadaný úkol.",
    "de": "Beantworte die gegebene Aufgabe.",
    "es": "Responde a la tarea dada.",
    "fr": "Répondez à la tâche donnée.",
    "pt": "Responda à tarefa dada.",
}


def _cut(response: str, lang: str, original_response: str, instruction: str = "") -> str | None:
    original = Pair(instruction or _TASK[lang], "", original_response)
    return reason(original, original.with_field("response", response), lang, finish_reason="stop")


def test_an_item_that_repeats_the_start_of_an_earlier_one() -> None:
    cut = "Voici une liste de légumes à planter en été :\n\n- Courge d'hiver\n\n- Courge"
    assert _cut(cut, "fr", "Les courges, les tomates et les poivrons.") == "guard:truncated"


def test_a_last_item_much_shorter_than_its_siblings() -> None:
    cut = (
        "Hier sind einige Ideen:\n\n- Ein gemeinsamer Ausflug in die Berge mit Picknick\n\n"
        "- Ein Kochkurs für zwei Personen am Wochenende\n\n- Ein Konzertbesuch mit Abendessen"
        "\n\n- Ein Wel"
    )
    assert _cut(cut, "de", "Ein Ausflug, ein Kochkurs oder ein Konzert.") == "guard:truncated"


def test_a_verse_line_cut_short() -> None:
    cut = (
        "Aquí tienes un poema:\n\nEl cielo es un lienzo de azul infinito\n\n"
        "Pintado con nubes de diferentes matices\n\nA veces brilla con los rayos del sol\n\n"
        "A veces chis"
    )
    assert _cut(cut, "es", "El cielo azul brilla con el sol.") == "guard:truncated"


def test_a_sentence_after_a_formula_left_open() -> None:
    cut = (
        "Součet čísel od 1 do 10 lze vypočítat následujícím způsobem:\n\n"
        "1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9 + 10 = 55\n\nProto je součet"
    )
    assert _cut(cut, "cs", "Součet čísel od 1 do 10 je 55.") == "guard:truncated"


@pytest.mark.parametrize(
    ("lang", "cut", "original_response"),
    [
        # the working is values with their labels (no sentence of their own) and a total
        (
            "cs",
            "Zde je výpočet mezisoučtu košíku:\n\nJablko - 2,20 $\n\nBanán - 3,40 $\n\n"
            "Pomeranč - 4,20 $\n\nMezisoučet = 9,80 $\n\nProto je mezisoučet košíku",
            "Celkem zaplatíte 9,80 $.",
        ),
        # a lead-in that runs into its formula is no sentence left open
        (
            "es",
            "Para calcular la hipotenusa usamos el teorema de Pitágoras, que dice que\n"
            "a^2 + b^2 = c^2\n3^2 + 4^2 = 25\nc = 5\n\n"
            "Por lo tanto, la hipotenusa del triángulo mide",
            "La hipotenusa mide 5.",
        ),
        # the working is a value with no word in it: a date
        (
            "pt",
            "A data no formato ISO é:\n\n2020-11-25\n\nPortanto, 25 de novembro de 2020 no formato",
            "A data é 2020-11-25.",
        ),
    ],
)
def test_a_sentence_after_values_left_open(lang: str, cut: str, original_response: str) -> None:
    assert _cut(cut, lang, original_response) == "guard:truncated"


def test_a_conclusion_after_the_working_left_open() -> None:
    cut = (
        "Total biaya diperoleh dengan mengalikan jumlah barang dengan biaya setiap barang. "
        "Dalam hal ini, kita memiliki 5 x $10 = $50\n\n"
        "Oleh karena itu, total biaya 5 barang jika setiap barang berharga $10"
    )
    instruction = "Hitung total biaya 5 barang jika setiap barang berharga $10."
    assert _cut(cut, "id", "Total biaya 5 barang adalah $50.", instruction) == "guard:truncated"


_POEM_CUT = (
    "Jaro se probouzí v zahradě,\nkvěty se otvírají ranní rose.\n\n"
    "Trávy se houpají v jemném vánku,\n\nKdyž slunce vítá"
)


def test_a_verse_cut_after_a_line_that_goes_on() -> None:
    original = "Jaro přichází,\nkvěty kvetou,\nslunce hřeje celou zemi."
    assert _cut(_POEM_CUT, "cs", original) == "guard:truncated"


def test_a_verse_may_end_open_where_the_original_poem_does() -> None:
    original = "Jaro přichází,\nkvěty kvetou,\nslunce hřeje celou zemi"
    assert _cut(_POEM_CUT, "cs", original) is None


_STEPS = "1. Smíchejte mouku s vejci.\n2. Těsto nechte deset minut odpočinout.\n\n"
_RECIPE = "Smíchejte mouku, vejce a mléko."


def test_a_closing_note_cut_inside_its_sentence() -> None:
    cut = _STEPS + "Tip: Pokud máte více času, nechte těsto déle odpočinout"
    assert _cut(cut, "cs", _RECIPE) == "guard:truncated"


@pytest.mark.parametrize(
    "last_line",
    [
        "Doba přípravy: dvacet minut celkem",  # a label and its value
        "Poznámka k receptu: Pokud máte více času, nechte těsto déle odpočinout",  # a label of three words
        "Tip: Nechte těsto déle odpočinout",  # too short to tell a cut from a value
    ],
)
def test_a_labelled_last_line_that_is_no_open_note(last_line: str) -> None:
    assert _cut(_STEPS + last_line, "cs", _RECIPE) is None


_QUOTE = "„Věřte, že to dokážete, a jste na půli cesty.“"


@pytest.mark.parametrize("author", ["- Theodore Roosevelt", "- Konfucius", "- Neznámý"])
def test_a_quote_whose_author_is_whole(author: str) -> None:
    # cut authors: tests/test_guards_cuts_signals.py (`author_cut`)
    original = "„Bolest je nevyhnutelná, ale utrpení je volitelné.“ - Buddha"
    assert _cut(f"{_QUOTE} {author}", "cs", original) is None


@pytest.mark.parametrize(
    ("lang", "task", "quote"),
    [
        ("ja", "名言を一つ挙げてください。", "「己の欲せざる所は人に施す勿れ。」 - 孔子"),
        ("ko", "명언을 하나 말해 주세요.", "“아는 것이 힘이다.” - 공자"),
    ],
)
def test_a_short_author_in_a_script_of_short_names(lang: str, task: str, quote: str) -> None:
    assert _cut(quote, lang, quote.split(" - ")[0] + " - 老子", task) is None


def test_a_product_without_its_second_factor_on_a_line_of_its_own() -> None:
    cut = "Multiplikation Schritt für Schritt:\n\n- 6 x 7 = 42\n- 45 x"
    assert _cut(cut, "de", "Zuerst 6 x 7 = 42, dann 45 x 73 = 3285.") == "guard:truncated"


def test_a_stub_of_letters_on_its_own_line() -> None:
    cut = "Ve větě jsou dvě chyby. Jsou to:\n\n- měl -> měla\n\n- léto -> létě\n\nSpr"
    assert _cut(cut, "cs", "Měl jsem rád jít na pláž minulý léto.") == "guard:truncated"


def test_one_open_line_announcing_what_the_original_lists() -> None:
    original = "1. Serviette\n2. Crème solaire\n3. Chapeau\n4. Lunettes de soleil"
    assert _cut("Voici une liste de 5 articles à emporter", "fr", original) == ("guard:truncated")


def test_a_word_cut_that_the_instruction_spells_in_full() -> None:
    instruction = "Identifiez le sujet et le verbe dans la phrase suivante."
    cut = "Le sujet et le verbe dans la phr"
    assert _cut(cut, "fr", "Sujet : Le chat\nVerbe : a grimpé", instruction) == ("guard:truncated")


@pytest.mark.parametrize(
    ("lang", "cut", "original_response"),
    [
        # a line of one determiner under the closing of a letter
        (
            "fr",
            "Cher ami,\n\nJe suis si reconnaissant de t'avoir dans ma vie.\n\n"
            "Avec une gratitude sincère,\n\nTon",
            "Cher ami,\n\nMerci pour ton amitié.\n\nAvec gratitude,\n[Nom]",
        ),
        # `e`: Spanish `y` before a word that starts with an i sound
        (
            "es",
            "Un león se puede describir como regio, poderoso, majestuoso, valiente e",
            "Un león es fuerte.",
        ),
    ],
)
def test_a_function_word_left_at_the_end(lang: str, cut: str, original_response: str) -> None:
    assert _cut(cut, lang, original_response) == "guard:truncated"


def test_a_compound_item_the_original_names_in_full() -> None:
    cut = "Einige Fantasy-Reihen:\n\n- Eragon von Christopher Paolini\n\n- Die Königsmörder-Chronik"
    original = "-Eragon von Christopher Paolini\n-Die Königsmörder-Chronik von Patrick Rothfuss"
    assert _cut(cut, "de", original) == "guard:truncated"


@pytest.mark.parametrize(
    ("lang", "original_response", "revised_response"),
    [
        ("es", "en", "en"),
        ("es", "en", "La preposición de la frase es:\n\nen"),
        ("es", "a e i o u", "Las vocales son:\n\na e i o u"),
        # a column of words, not a line cut after its first word
        (
            "fr",
            "ton, ta et tes",
            "Les déterminants possessifs de la deuxième personne sont\n\nton\nta\ntes",
        ),
    ],
)
def test_a_function_word_given_as_the_answer_is_accepted(
    lang: str, original_response: str, revised_response: str
) -> None:
    assert _cut(revised_response, lang, original_response) is None


@pytest.mark.parametrize(
    ("original_response", "revised_response"),
    [
        # list items of unequal length, the last one short but whole
        (
            "1. Grunge\n2. Rock alternatif\n3. Hip Hop\n4. New Jack Swing\n5. Pop",
            "Voici cinq genres musicaux des années 1990 :\n\n- Grunge\n\n- Rock alternatif\n\n"
            "- Hip Hop\n\n- New Jack Swing\n\n- Pop",
        ),
        # a formula as the answer after a lead-in
        ("7", "La différence entre 12 et 5 est :\n\n12 - 5 = 7"),
        # a verse after a value, an earlier verse line open: a poem, not working
        (
            "Le temps passe vite.",
            "Un poème sur le temps :\n\nLes heures filent comme le vent\n\n12:00\n\n"
            "Et personne ne les retient",
        ),
        # a letter's signature
        (
            "Merci pour votre aide.\n\nCordialement,\n[Nom]",
            "Merci pour votre aide et votre patience.\n\nCordialement,\n\nJean Dupont\n\n"
            "Chef de projet",
        ),
        # a one-line title for a one-line title
        (
            "Comprendre le pouvoir de l'intelligence artificielle",
            "L'avenir de l'intelligence artificielle : ce que vous devez savoir",
        ),
    ],
)
def test_open_endings_read_against_their_own_lines_are_accepted(
    original_response: str, revised_response: str
) -> None:
    assert _cut(revised_response, "fr", original_response) is None


def test_a_record_translated_whole_out_of_english_is_accepted() -> None:
    """MT left the record in English; the expert translated instruction and response into
    Spanish: the record moved into one language, none of it went wrong. Turned into English
    instead, or with only the response in another language, it is refused."""
    raw = Pair(
        "Explain why regular exercise is good for your health.",
        "",
        "Regular exercise strengthens the heart, improves sleep and lowers stress levels.",
    )
    spanish = Pair(
        "Explica por qué el ejercicio regular es bueno para la salud.",
        "",
        "El ejercicio regular fortalece el corazón, mejora el sueño y reduce el estrés diario.",
    )
    assert judge(raw, spanish, "en").reason is None
    half = raw.with_field("response", spanish.response)
    assert judge(raw, half, "en").reason == "guard:language"
    french = Pair(
        "Explique pourquoi l'exercice régulier est bon pour la santé.",
        "",
        "L'exercice régulier renforce le cœur, améliore le sommeil et réduit le stress.",
    )
    assert judge(spanish, french, "es").reason == "guard:language"
    english = Pair(raw.instruction, "", raw.response)
    assert judge(spanish, english, "es").reason == "guard:language"


def test_a_field_moved_into_the_files_language_is_accepted() -> None:
    """A record MT left in English inside a Spanish file: the expert translated its response
    only. The field moved into the file's language (the fix itself), the English instruction
    is no new defect of the booster's. Into a third language it is still refused."""
    raw = Pair(
        "Explain why regular exercise is good for your health.",
        "",
        "Regular exercise strengthens the heart, improves sleep and lowers stress levels.",
    )
    spanish = raw.with_field(
        "response",
        "El ejercicio regular fortalece el corazón, mejora el sueño y reduce el estrés diario.",
    )
    assert identifier().identify(raw, "es").lang == "en"
    assert judge(raw, spanish, "es").reason is None
    # the English instruction edited, still English: its language is not the booster's doing
    edited = spanish.with_field(
        "instruction", "Explain why regular exercise is so good for your health and mood."
    )
    assert judge(raw, edited, "es").reason is None
    assert judge(raw, spanish, "fr").reason == "guard:language"
    assert judge(raw, spanish, "en").reason == "guard:language"


def test_arabic_task_words_are_found_without_their_clitics() -> None:
    """Arabic writes `and`, `with` and the article onto the word (`والبحيرة`): the rewritten
    task's words are the answer's (`بالبحيرة`, `سماء زرقاء`) once those are left out.
    Another record's task is still refused."""
    raw = Pair(
        "قم بإنشاء جملة تصف منظرًا طبيعيًا",
        "",
        "الجبال الخضراء تحيط بالبحيرة الهادئة تحت سماء زرقاء صافية.",
    )
    own = raw.with_field("instruction", "اكتب عن الجبال والبحيرة والسماء الزرقاء")
    assert reason(raw, own, "ar") is None
    other = raw.with_field("instruction", "اكتب قصيدة عن الحب والصداقة")
    assert reason(raw, other, "ar") == "guard:instruction_changed"


def test_a_mended_split_task_may_leave_its_input_label() -> None:
    """MT split the task across the fields (`Étant donné ce qui suit` / `construire une
    histoire. Entrée : ...`); the revision mends the instruction and leaves the label at the
    input's start: what is left of the old defect, not a leak. A label put before an input
    that had none is one."""
    story = (
        "Il était une fois une archère nommée Alexa. Son arc et ses flèches magiques rendaient "
        "possibles les choses les plus impossibles, et toute la ville la célébrait."
    )
    raw = Pair(
        "Étant donné ce qui suit",
        "construire une histoire créative. Entrée : Un arc et des flèches magiques",
        story,
    )
    mended = Pair(
        "Construis une histoire créative à partir de ce qui suit.",
        "Entrée : Un arc et des flèches magiques",
        story,
    )
    assert reason(raw, mended, "fr") is None
    plain = Pair(mended.instruction, "Un arc et des flèches magiques", story)
    assert reason(plain, mended, "fr") == "guard:field_leak"


def test_malay_and_indonesian_count_as_one_language() -> None:
    """The identifier confuses Malay and Indonesian (REFERENCE.md §5): a Malay revision it
    reads as Indonesian is no language change."""
    raw = Pair(
        "Terangkan kepentingan kitar semula kepada alam sekitar.",
        "",
        "Kitar semula penting kerana ia mengurangkan sisa.",
    )
    revised = raw.with_field(
        "response",
        "Kitar semula adalah penting kerana ia mengurangkan sisa di tapak pelupusan, "
        "menjimatkan sumber asli dan tenaga, serta membantu mengurangkan pencemaran udara "
        "dan air. Berikut adalah beberapa cara untuk bermula di rumah.",
    )
    assert judge(raw, revised, "ms").reason is None
    # ... and a Malay-reading answer in an Indonesian record whose answer was a bare value
    task = Pair("Hasilkan alamat email yang valid untuk orang ini", "John Smith", "john@mail.com")
    malay = task.with_field(
        "response",
        "Terdapat banyak kemungkinan alamat e-mel untuk seseorang bernama John Smith, "
        "bergantung kepada nama domain dan formatnya. Anda boleh menggantikan mail.com "
        "dengan domain yang sebenar.",
    )
    assert identifier().identify_text(malay.response, "id").lang == "ms"
    assert judge(task, malay, "id").reason is None


def test_a_run_of_combining_marks_is_no_content_the_revision_lost() -> None:
    """MT left a run of stray combining marks after the answer; the revision drops it and
    keeps the answer: not a collapse. The same answer cut to a word still is one."""
    answer = "Apple Inc. wurde 1976 von Steve Jobs und Steve Wozniak gegründet."
    raw = Pair("Finde das Gründungsjahr des Unternehmens.", "", answer + "  " + "\u0326" * 150)
    assert reason(raw, raw.with_field("response", answer), "de") is None
    assert reason(raw, raw.with_field("response", "Apple"), "de") == "guard:response_collapsed"


def test_a_rewritten_task_made_of_the_record_s_words_is_accepted() -> None:
    """The expert rewrote the task in other words, but the words come from the record (its
    answer's duschen, Regenwasser): this record's task. Another record's task, made of
    none of them, is refused."""
    raw = Pair(
        "Erstellen Sie eine Liste von fünf Möglichkeiten, Wasser im Haus zu sparen.",
        "",
        "1. Kürzer duschen.\n2. Den Wasserhahn beim Zähneputzen zudrehen.\n"
        "3. Die Spülmaschine nur voll laufen lassen.\n4. Regenwasser sammeln.\n"
        "5. Undichte Leitungen reparieren.",
    )
    own = raw.with_field(
        "instruction", "Wie spart man Wasser: duschen, Wasserhahn, Regenwasser, Leitungen?"
    )
    assert judge(raw, own, "de").reason is None
    other = raw.with_field("instruction", "Geben Sie fünf Synonyme für glücklich an.")
    assert judge(raw, other, "de").reason == "guard:instruction_changed"


def test_an_open_line_after_a_sentence_closed_inside_its_quotes() -> None:
    original = "Pour planifier un rendez-vous, dites : « Planifie un rendez-vous pour demain. »"
    cut = (
        "Pour planifier un rendez-vous, dites simplement :\n\n"
        '"Planifie un rendez-vous pour demain à dix heures avec le dentiste."\n\n'
        "Vous pouvez également ajouter plus de détails tels que le lieu"
    )
    assert _cut(cut, "fr", original) == "guard:truncated"


def test_a_closing_note_after_a_sentence_closed_inside_its_quotes() -> None:
    steps = "1. Smíchejte mouku s vejci.\n2. Řekněte si: „Těsto musí odpočívat.“\n\n"
    cut = steps + "Tip: Pokud máte více času, nechte těsto déle odpočinout"
    assert _cut(cut, "cs", _RECIPE) == "guard:truncated"

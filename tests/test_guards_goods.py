"""Good revisions the guards used to refuse (issue 8): hand-written multilingual pairs that
revise a record the way the MEB experts do, next to the corruption each rule must still
refuse (bench/eval_guards.py measures both on the shared data)."""

from __future__ import annotations

from guard_judge import judge
from midb_cli.records.pair import Pair

CODE = (
    "```python\ndef total(numbers):\n    result = 0\n    for n in numbers:\n"
    "        result += n\n    return result\n\nprint(total([1, 2, 3]))\n```"
)


def test_the_language_of_a_response_is_read_without_its_code() -> None:
    # a short answer above a code block: the code reads as English, the answer does not
    original = Pair(
        "Vytvořte hashtag pro tweet o józe.",
        "",
        "#SilaJogy - odemkněte duševní i tělesné výhody jógy s pozorným cvičením!\n\n" + CODE,
    )
    revised = original.with_field("response", "Co třeba #SilaJogy nebo #JogaProZivot?\n\n" + CODE)
    assert judge(original, revised, "cs").reason is None
    slogan = Pair(
        "Adapte o slogan para uma ração de gatos.",
        "",
        '"Dê aos seus gatos a energia de que precisam para viver bem"\n\n' + CODE,
    )
    assert (
        judge(
            slogan, slogan.with_field("response", '"Aumente seu ronronar"\n\n' + CODE), "pt"
        ).reason
        is None
    )


def test_an_english_answer_above_kept_code_is_still_refused() -> None:
    original = Pair(
        "Navrhněte název funkce, která sečte čísla v seznamu.",
        "",
        "Funkce se může jmenovat soucet, protože sčítá všechna čísla, která dostane.\n\n" + CODE,
    )
    english = "The function could be called total, because it adds up all the numbers it gets.\n\n"
    result = judge(original, original.with_field("response", english + CODE), "cs")
    assert (result.reason, result.detail) == ("guard:language", "response in en")


PHYSICS = Pair(
    "Explica los principios de la física moderna que nombra el texto.",
    "Los físicos del siglo XX cambiaron nuestra idea del universo. Einstein unió el espacio y "
    "el tiempo, Planck y Bohr descubrieron que la energía llega en paquetes, y todos ellos "
    "siguieron creyendo que la energía se conserva y que las causas preceden a los efectos.",
    "La física moderna descansa en cuatro principios. El primero es la relatividad, que "
    "describe el espacio y el tiempo como un solo tejido que la materia curva. El segundo es "
    "la mecánica cuántica, que explica el comportamiento de las partículas más pequeñas. El "
    "tercero es la conservación de la energía y del momento: ninguno de los dos se crea ni se "
    "destruye. El último es la causalidad, según la cual cada efecto tiene una causa anterior.",
)


def test_a_shorter_whole_rewrite_is_no_collapse() -> None:
    # two finished sentences about the record: the expert's summary, not a one-line answer
    summary = (
        "La física moderna descansa en cuatro principios: relatividad, mecánica cuántica, "
        "conservación de la energía y causalidad. Rigen la materia y la energía."
    )
    assert judge(PHYSICS, PHYSICS.with_field("response", summary), "es").reason is None


def test_a_one_line_or_foreign_short_answer_still_collapses() -> None:
    first = "La física moderna descansa en cuatro principios."
    result = judge(PHYSICS, PHYSICS.with_field("response", first), "es")
    assert result.reason == "guard:response_collapsed"
    # whole, but not about this record: a stock text
    stock = "El perro duerme junto a la puerta de casa. Mañana iremos todos juntos al mercado."
    result = judge(PHYSICS, PHYSICS.with_field("response", stock), "es")
    assert result.reason == "guard:response_collapsed"
    # several stops, one line of greetings: `Hai!` is no sentence
    chat = Pair(
        "Tulis dialog pendek antara dua orang.",
        "",
        "Orang 1: Hai! Apa khabar hari ini?\nOrang 2: Hai! Saya baik, terima kasih. Dan anda?\n"
        "Orang 1: Saya baik. Ini hari yang indah, bukan?\nOrang 2: Ya, benar sekali!",
    )
    result = judge(chat, chat.with_field("response", "Orang 1: Hai! Apa khabar?"), "ms")
    assert result.reason == "guard:response_collapsed"


def test_emoji_do_not_make_a_short_answer_a_whole_rewrite() -> None:
    # emoji lie past U+3000 like kana and hangul; they must not switch the rewrite test to
    # character pairs, where a six-character "sentence" passes (a reviewer's reproduction).
    # A long input keeps the pair-length guard out of it; no loop anywhere (loops lift it).
    names = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india"]
    long_input = " ".join(f"{a} {b} {c}." for a in names for b in names for c in names[:3])
    response = (
        "Photosynthesis is the process by which plants convert light into chemical energy. "
        "It takes place in the chloroplasts, where chlorophyll absorbs red and blue light. "
        "Water is split, oxygen is released, and carbon dioxide is fixed into sugars."
    )
    original = Pair("Explain photosynthesis.", long_input, response)
    for short in ("Plants. Light.", "🌱 Plants. 🌱 Light."):
        verdict = judge(original, original.with_field("response", short), "en")
        assert verdict.reason == "guard:response_collapsed", short


def test_a_japanese_title_or_item_ending_on_koto_is_whole() -> None:
    # `こと` (a thing) ends on the character of the particle `と`: a noun, not a cut
    original = Pair(
        "マスク着用の副作用についての記事のタイトルを作成してください。",
        "",
        "パンデミック中のマスク着用の予期しない結果。",
    )
    title = "記事のタイトルは次の通りです：\n\nマスク着用の副作用：知っておくべきこと"
    assert judge(original, original.with_field("response", title), "ja").reason is None
    items = (
        "効果的なコミュニケーションの戦略は次の通りです：\n\n1. 相手の話をよく聞くこと\n\n"
        "2. 明確で簡潔に話すこと\n\n3. 相手の気持ちに共感すること"
    )
    assert judge(original, original.with_field("response", items), "ja").reason is None
    # ... and a long sentence stopped on it is cut (`することができます`)
    cut = "マスクを正しく着用することで、ウイルスの拡散を防ぎ、周囲の人々を守ること"
    assert judge(original, original.with_field("response", cut), "ja").reason == "guard:truncated"


def test_the_items_taken_out_of_the_original_sentence_are_no_collapse() -> None:
    eagle = Pair(
        "Uveďte tři přídavná jména, která popisují orla bělohlavého.",
        "",
        "Tři přídavná jména, která popisují orla bělohlavého, jsou majestátní, hrdý a mocný.",
    )
    listed = eagle.with_field("response", "Majestátní, hrdý, mocný")
    assert judge(eagle, listed, "cs").reason is None
    # items the original does not name, or two of them only: a collapse still
    for response in ("Majestátní, rychlý, mocný", "Majestátní, hrdý"):
        result = judge(eagle, eagle.with_field("response", response), "cs")
        assert result.reason == "guard:response_collapsed", response


def test_a_whole_answer_with_the_task_material_dropped_still_halves_the_pair() -> None:
    text = (
        "Die Stadt wurde im 12. Jahrhundert von Kaufleuten gegründet. Im Mittelalter wuchs sie "
        "schnell, weil sie an einem Fluss lag. Viele Händler kamen aus dem Norden und brachten "
        "Stoffe, Salz und Wein. Im 16. Jahrhundert zerstörte ein großer Brand die Altstadt. "
        "Danach bauten die Bürger breitere Straßen und Häuser aus Stein."
    )
    original = Pair("Fasse den folgenden Text zusammen.", text, "Die Stadt wuchs durch Handel.")
    short = "Die Stadt wurde im 12. Jahrhundert gegründet. Sie wuchs schnell durch den Handel."
    assert judge(original, Pair(original.instruction, "", short), "de").reason == (
        "guard:length_ratio"
    )

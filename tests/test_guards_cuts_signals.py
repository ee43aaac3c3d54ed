"""Cuts told by what the open revision lost of its original (boost/guard_cut_signals.py, read
by boost/guard_truncation.py): the original's result, a whole last word; and the good
revisions that keep them. Fixture strings written for the tests."""

from __future__ import annotations

import pytest

from guard_judge import judge_response as _judge
from midb_cli.boost.guard_cut_grams import NEVER_WORD_END
from midb_cli.boost.guard_cut_signals import restates_the_task
from midb_cli.boost.guard_cut_syllables import KNOWN_SYLLABLES, SYLLABLE_STARTS


@pytest.mark.parametrize(
    ("lang", "instruction", "original_response", "response"),
    [
        # the working stops before the result the original gives
        (
            "ms",
            "Kira luas segi empat tepat dengan panjang 8 cm dan lebar 3 cm.",
            "Luas segi empat tepat itu ialah 24 cm persegi.",
            "Luas segi empat tepat dikira dengan formula:\n\nLuas = panjang x lebar\n\n"
            "Dengan panjang 8 cm dan lebar 3 cm, kita dapat:\n\nLuas = 8 cm x",
        ),
        # a prose cut in the middle of the working (a decimal comma in the original)
        (
            "pt",
            "Converta 5 polegadas em centímetros.",
            "5 polegadas equivalem a 12,7 centímetros.",
            "Para converter polegadas em centímetros, multiplicamos por 2.54. Assim, 5 vezes",
        ),
        # a unit written onto the number (Korean)
        (
            "ko",
            "3킬로미터는 몇 미터입니까?",
            "3킬로미터는 3000미터입니다.",
            "킬로미터를 미터로 바꾸려면 1000을 곱합니다:\n\n3킬로미터 = 3 x 1000",
        ),
        (
            "ar",
            "ما هو متوسط الأعداد 3 و 6 و 12؟",
            "متوسط الأعداد هو 7.",
            "لحساب المتوسط نجمع الأعداد: 3 + 6 + 12 = 21، ثم نقسم المجموع 21",
        ),
    ],
)
def test_a_cut_before_the_result_is_refused(
    lang: str, instruction: str, original_response: str, response: str
) -> None:
    assert _judge(instruction, original_response, response, lang) == (
        "guard:truncated",
        "result_missing",
    )


@pytest.mark.parametrize(
    ("lang", "instruction", "original_response", "response"),
    [
        (
            "cs",
            "Vypočítejte povrch krychle o hraně 2 cm.",
            "Povrch krychle je 24 cm².",
            "Povrch krychle se počítá vzorcem 6a².\n\nPovrch = 6 x (2 cm)² = 6 x 4 cm² = 24",
        ),
        (
            "ar",
            "ما مجموع الزوايا الداخلية للمخمس؟",
            "مجموع الزوايا الداخلية للمخمس هو 540°.",
            "نستخدم القانون (ن - 2) × 180:\n\nالمجموع = (5 - 2) × 180 درجة = 3 × 180 درجة = 540",
        ),
    ],
)
def test_a_result_cut_before_its_unit_is_refused(
    lang: str, instruction: str, original_response: str, response: str
) -> None:
    # the line's quantities carry a unit, the original gives the result with one
    assert _judge(instruction, original_response, response, lang) == (
        "guard:truncated",
        "unit_missing",
    )


@pytest.mark.parametrize(
    ("lang", "original_response", "response"),
    [
        (
            "ms",
            "13, 21, 34",
            "Tiga nombor seterusnya ialah:\n\n13, 21, 34\n\n"
            "Urutan ini mengikuti corak di mana setiap istilah adalah jumlah",
        ),
        ("tr", "C. Azot", "Doğru cevap:\n\nC. Azot\n\nAzot, atmosferin yaklaşık yüzde 78"),
    ],
)
def test_an_explanation_cut_after_the_answer_is_refused(
    lang: str, original_response: str, response: str
) -> None:
    # the original's short answer on an earlier line, then an explanation left open
    assert _judge("Soalan", original_response, response, lang) == (
        "guard:truncated",
        "explanation_cut",
    )


@pytest.mark.parametrize(
    "response",
    [
        "10% dari 200 dapat dihitung sebagai berikut:\n\n10/100 * 200 = 20",  # a formula
        "Jawapannya ialah 20\n\nSepuluh peratus daripada 200 ialah 20",  # the answer again
        "20\n\nSepuluh peratus daripada dua ratus.",  # a closed explanation
    ],
)
def test_an_answer_that_ends_on_a_formula_or_the_answer_is_no_explanation_cut(
    response: str,
) -> None:
    _, detail = _judge("Berapakah 10% daripada 200?", "20", response, "ms")
    assert detail != "explanation_cut"


@pytest.mark.parametrize(
    ("lang", "response"),
    [
        ("cs", "Povrch = 6 x 4 cm² = 24 cm²"),  # the unit is there
        ("cs", "Povrch krychle = 6 x 4 = 24"),  # the working has no units: a number answer
    ],
)
def test_a_result_with_its_unit_or_without_units_is_not_a_unit_cut(
    lang: str, response: str
) -> None:
    original = "Povrch krychle je 24 cm²."
    _, detail = _judge("Vypočítejte povrch krychle o hraně 2 cm.", original, response, lang)
    assert detail != "unit_missing"


@pytest.mark.parametrize(
    ("lang", "instruction", "original_response", "response"),
    [
        # the result is there, as a decimal point where the original has a comma
        (
            "de",
            "Rechne 3 Meilen in Kilometer um.",
            "3 Meilen sind 4,83 Kilometer.",
            "Eine Meile entspricht 1,609 Kilometern\n\n3 x 1,609 = 4.83 Kilometer",
        ),
        # the original's numbers are labels of its groups, not results
        (
            "id",
            "Kelompokkan nama berikut menjadi dua: Ana, Budi, Citra, Dodi.",
            "Kelompok 1: Ana, Citra\nKelompok 2: Budi, Dodi",
            "Berikut dua kelompok yang mungkin:\n\n- Perempuan: Ana, Citra\n\n- Laki-laki: Budi, Dodi",
        ),
    ],
)
def test_a_revision_that_keeps_the_result_is_accepted(
    lang: str, instruction: str, original_response: str, response: str
) -> None:
    assert _judge(instruction, original_response, response, lang) == ("", "")


@pytest.mark.parametrize(
    ("lang", "instruction", "original_response", "response"),
    [
        (
            "de",
            "Nenne drei Haustiere.",
            "Hund, Katze, Hamster.",
            "Drei Haustiere:\n\n- Hund\n\n- Katze\n\n- Meerschw",
        ),
        (
            "es",
            "Nombra frutas de invierno.",
            "Naranjas, mandarinas y kiwis.",
            "Frutas de invierno:\n\n- Naranjas\n\n- Mandarinas\n\n- Granad",
        ),
        (
            "cs",
            "Vyjmenuj tři řeky.",
            "Vltava, Labe, Ohře.",
            "Řeky:\n\n- Vltava\n\n- Labe\n\n- Morav",
        ),
    ],
)
def test_a_cut_inside_a_word_is_refused(
    lang: str, instruction: str, original_response: str, response: str
) -> None:
    assert _judge(instruction, original_response, response, lang) == (
        "guard:truncated",
        "letters_that_end_no_word",
    )


_GIFTS = "Những món quà: một album ảnh, một chuyến du lịch, một cuốn sách hay."
_GIFT_LIST = "Những món quà:\n\n- Một album ảnh\n\n- Một chuyến du lịch\n\n- "


def test_a_vietnamese_response_cut_inside_a_syllable_is_refused() -> None:
    # `tru` is no Vietnamese syllable, but `truyền`, `trung` start with it (learned tables)
    assert "tru" in SYLLABLE_STARTS["vi"] and "tru" not in KNOWN_SYLLABLES["vi"]
    response = _GIFT_LIST + "Một cuốn sách tru"
    assert _judge("Gợi ý vài món quà.", _GIFTS, response, "vi") == (
        "guard:truncated",
        "syllable_cut",
    )


@pytest.mark.parametrize(
    ("instruction", "last_item"),
    [
        # a rare whole syllable starts nothing longer (`ngẩn`)
        ("Gợi ý vài món quà.", "Một điệu nhảy ngớ ngẩn"),
        # a hashtag may end on anything
        ("Gợi ý vài món quà.", "Một bức tranh #tru"),
        # letters the record itself uses are a word of it
        ("Gợi ý vài món quà (từ khóa: tru).", "Một cuốn sách tru"),
    ],
)
def test_vietnamese_endings_that_are_no_cut_are_accepted(instruction: str, last_item: str) -> None:
    assert _judge(instruction, _GIFTS, _GIFT_LIST + last_item, "vi") == ("", "")


def test_a_word_the_texts_use_is_whole() -> None:
    # `Aragorn` ends on letters no Italian word ends on, but the original names him
    response = "I personaggi della Compagnia sono:\n\n- Frodo\n\n- Legolas\n\n- Aragorn"
    original = "Frodo, Legolas e Aragorn."
    assert "orn" in NEVER_WORD_END["it"]
    assert _judge("Chi fa parte della Compagnia?", original, response, "it") == ("", "")


def test_the_table_lists_letters_no_word_ends_on() -> None:
    # learned; a word goes on after them in every language listed
    assert "kön" in NEVER_WORD_END["de"]
    assert all(len(g) == 3 and g == g.lower() for grams in NEVER_WORD_END.values() for g in grams)
    assert not {"ko", "vi", "ja", "zh"} & set(NEVER_WORD_END)  # syllables, no word bounds


@pytest.mark.parametrize(
    ("lang", "instruction", "original_response", "response", "rule"),
    [
        # the answer after a colon on the lead-in's own line: the original's first word
        (
            "ar",
            "ما هي الدول المذكورة في النص؟",
            "المملكة العربية السعودية، مصر، الأردن.",
            "الدول المذكورة في النص هي: المملكة",
            "answer_just_started",
        ),
        # Vietnamese words are short: four of them say where the original goes on
        (
            "vi",
            "Tóm tắt lợi ích của việc đi bộ.",
            "Đi bộ giúp tim khỏe, ngủ ngon và giảm căng thẳng mỗi ngày.",
            "Lợi ích chính là: đi bộ giúp tim khỏe, ngủ ngon và giảm",
            "original_goes_on",
        ),
        # two words the original always goes on after
        (
            "es",
            "¿Quién escribió Cien años de soledad?",
            "Gabriel García Márquez",
            "La novela fue escrita por Gabriel García",
            "original_goes_on",
        ),
        # a numbered item of one word the original goes on after (`Mutfak bıçağı`)
        (
            "tr",
            "Bu nesneleri listeleyin.",
            "Su ısıtıcısı, Mutfak bıçağı, Uçurtma, Peçete.",
            "1. Su ısıtıcısı\n2. Mutfak",
            "original_goes_on",
        ),
        # after a lead-in, the first word of an original line of three words
        (
            "tr",
            "Listedeki eşyaların toplam maliyetini hesaplayın.",
            "Toplam maliyet $6'dır.",
            "Toplam maliyet aşağıdaki gibi hesaplanabilir:\n\nToplam",
            "answer_just_started",
        ),
        # ... or a word the original always goes on after, in any case
        (
            "tr",
            "Bu kelimenin eş anlamlılarını bulun.",
            "Nefret etmek, tiksinmek, iğrenmek.",
            "İşte bu kelimenin bazı eş anlamlıları: nefret",
            "answer_just_started",
        ),
        # one word under the lead-in where the original answers in a whole sentence
        (
            "cs",
            "Přeformulujte tuto větu.",
            "Dostali jsme se do bodu, kdy už nesmíme žít ve stínu.",
            "Jedním možným způsobem, jak přeformulovat tuto větu, je:\n\nPotřebujeme",
            "answer_just_started",
        ),
        # a list item of one word that the original's running text goes on after
        (
            "tr",
            "Yaz aylarında ekilecek sebzeleri listeleyin.",
            "Kabak, bamya, patlıcan, tatlı patates ve havuç yaz aylarında ekilir.",
            "Yaz sebzeleri:\n\n- Kabak\n\n- Bamya\n\n- Patlıcan\n\n- Tatlı",
            "original_goes_on",
        ),
        # a post cut inside a hashtag the original writes in full
        (
            "vi",
            "Viết một bài đăng về sức khỏe tâm thần.",
            "Thiên nhiên rất cần thiết cho sức khỏe tâm thần. #SứcKhỏeTâmThần #ThiênNhiên",
            "Thiên nhiên chữa lành tâm trí. Hãy ra ngoài và hít thở. #SứcKh",
            "hashtag_cut",
        ),
        # a quote whose author was cut to a first name, or inside the name
        (
            "cs",
            "Uveďte slavný citát.",
            "„Bolest je nevyhnutelná, ale utrpení je volitelné.“ - Buddha",
            "„Věřte, že to dokážete, a jste na půli cesty.“ - Theodore",
            "author_cut",
        ),
        (
            "cs",
            "Uveďte slavný citát.",
            "„Bolest je nevyhnutelná, ale utrpení je volitelné.“ - Buddha",
            "„Věřte, že to dokážete, a jste na půli cesty.“ – Ste",
            "author_cut",
        ),
        # a word cut down to three letters
        (
            "de",
            "Was denkst du?",
            "Ich glaube, dass du es schaffst.",
            "Ich glaube, dass Sie es kön",
            "letters_that_end_no_word",
        ),
    ],
)
def test_an_answer_cut_after_its_first_words_is_refused(
    lang: str, instruction: str, original_response: str, response: str, rule: str
) -> None:
    assert _judge(instruction, original_response, response, lang) == ("guard:truncated", rule)


@pytest.mark.parametrize(
    ("lang", "instruction", "original_response", "response"),
    [
        # a shorter hashtag than the original's, whole words (`#Nature`)
        (
            "tr",
            "Ruh sağlığı hakkında bir gönderi yazın.",
            "Doğa zihinsel iyilik hali için gereklidir. #mentalhealth #NatureIsNecessary",
            "Doğa zihni iyileştirir. Dışarı çık ve nefes al. #mentalhealth #Nature",
        ),
        # a one-word item the original lists on its own (followed by a comma)
        (
            "tr",
            "Yaz aylarında ekilecek sebzeleri listeleyin.",
            "Kabak, bamya, patlıcan, tatlı patates ve havuç yaz aylarında ekilir.",
            "Yaz sebzeleri:\n\n- Kabak\n\n- Bamya\n\n- Havuç\n\n- Patlıcan",
        ),
        # a two-character item the original lists
        (
            "ko",
            "요리용 허브 네 가지를 나열하세요.",
            "바질, 민트, 파슬리, 로즈마리.",
            "요리용 허브 목록입니다:\n\n- 바질\n\n- 파슬리\n\n- 로즈마리\n\n- 민트",
        ),
        (
            "vi",
            "Liệt kê đồ mang đi biển.",
            "1. Mũ\n2. Kem\n3. Khăn",
            "Đồ mang đi biển:\n\n- Kem\n\n- Khăn\n\n- Mũ",
        ),
        (
            "ar",
            "رتب الكلمات أبجديًا: كلب، قط، بيت.",
            "بيت، قط، كلب",
            "الكلمات مرتبة أبجديًا:\n\n- بيت\n\n- كلب\n\n- قط",
        ),
        # two words the original ends a line on too
        (
            "pt",
            "Liste duas cidades do Brasil.",
            "São Paulo é a maior cidade do país.\nRio de Janeiro",
            "Duas cidades do Brasil são São Paulo e Rio de Janeiro",
        ),
        # the original's own last item, however short
        (
            "ja",
            "好きな飲み物を三つ挙げて。",
            "- 水\n- お茶\n- 牛乳",
            "好きな飲み物：\n\n- 水\n\n- お茶\n\n- 牛乳",
        ),
    ],
)
def test_a_short_whole_last_item_is_accepted(
    lang: str, instruction: str, original_response: str, response: str
) -> None:
    assert _judge(instruction, original_response, response, lang) == ("", "")


def test_a_bare_marker_is_refused_where_the_original_ends_on_a_short_item() -> None:
    # (the original's `5. 연민` is no bare marker: its item has two characters)
    original = "1. 낙관주의\n2. 자기 신뢰\n3. 감사\n4. 창의성\n5. 연민"
    response = "긍정적인 태도 다섯 가지:\n\n- 낙관주의\n\n- 자기 신뢰\n\n- 감사\n\n- 창의성\n\n-"
    assert _judge("긍정적인 태도 다섯 가지를 나열하세요.", original, response, "ko") == (
        "guard:truncated",
        "bare_list_marker",
    )


def test_a_revision_that_restates_the_task_is_refused() -> None:
    instruction = "Kenal pasti kata kerja dalam ayat yang diberikan: Ali menendang bola itu."
    original = "Kata kerja dalam ayat itu ialah menendang."
    result = _judge(instruction, original, "Kata kerja dalam ayat yang diberikan", "ms")
    assert result == ("guard:truncated", "task_restated")


@pytest.mark.parametrize(
    ("lang", "instruction", "original_response", "response"),
    [
        # a title made of the task's words
        (
            "id",
            "Buat judul untuk artikel tentang kaos katun ramah lingkungan.",
            "Kaos Katun - Kebutuhan Klasik",
            "Kaos Katun Klasik yang Ramah Lingkungan",
        ),
        # the task's words and the answer's
        (
            "ms",
            "Kenal pasti kata kerja dalam ayat yang diberikan: Ali menendang bola itu.",
            "menendang",
            "Kata kerja dalam ayat yang diberikan ialah menendang",
        ),
    ],
)
def test_a_revision_with_the_task_words_and_an_answer_is_accepted(
    lang: str, instruction: str, original_response: str, response: str
) -> None:
    assert _judge(instruction, original_response, response, lang) == ("", "")


def test_a_timeline_that_merges_items_and_ends_on_the_original_last_one_is_accepted() -> None:
    # the revision merges the original's items: fewer of them, the last one short, but it
    # ends where the original's last item ends
    original = (
        "- 1889: Construction de la tour\n- 1900: Exposition universelle\n"
        "- 1909: Antenne de radio\n- 1957: Antenne de télévision\n- 1985: Nouvel éclairage"
    )
    response = (
        "- 1889-1900 : construction de la tour, puis accueil de l'Exposition universelle et "
        "de millions de visiteurs venus du monde entier\n\n"
        "- 1909-1957 : installation des antennes de radio puis de télévision au sommet\n\n"
        "- 1986 : Nouvel éclairage"
    )
    assert _judge("Résume l'histoire de la tour Eiffel.", original, response, "fr") == ("", "")


@pytest.mark.parametrize(
    ("lang", "instruction", "original_response", "response"),
    [
        # the result with another thousands separator is the same result (review)
        ("en", "Add 700 and 800 apples.", "Total: 1,500 apples", "Together they have 1500 apples"),
        # a label and its value is a whole answer, not an answer just started after a lead-in
        (
            "en",
            "Name the country and the capital.",
            "Paris is the capital of France, a country in Europe.",
            "Country: France\nCapital: Paris",
        ),
        # the answer after a lead-in, where the original too ends its words (`Paris,`)
        (
            "fr",
            "Quelle est la capitale de la France ?",
            "Paris, la ville lumière, est la capitale de la France.",
            "La capitale de la France est :\n\nParis",
        ),
        # a word from the middle of the original's sentence may be the whole answer (review)
        (
            "de",
            "Welche Farbe hat ein Marienkäfer?",
            "Ein Marienkäfer ist meist rot mit schwarzen Punkten.",
            "Die Farbe des Marienkäfers ist:\nRot",
        ),
        (
            "fr",
            "Quelle est la capitale de la France ?",
            "La capitale de la France est Paris et elle est belle.",
            "La réponse est : Paris",
        ),
        (
            "de",
            "Bestimme die Stimmung des Satzes.",
            "Der Satz drückt eine positive Aussage über den Tag aus.",
            "Die Stimmung des Satzes:\nPositiv",
        ),
        # a short list after a lead-in is an answer, not a word of one
        (
            "de",
            "Finde die Nomen im Satz.",
            "Im Satz stehen die Nomen Fisch und Fluss, dazu ein Artikel.",
            "Die Nomen im Satz sind:\n\nFisch, Fluss",
        ),
        # a task that gives its material after a colon: the answer is made of its words
        (
            "en",
            "Rewrite the sentence in the passive voice: The cat chased the mouse",
            "The mouse got chased by the cat",
            "The mouse was chased by the cat",
        ),
    ],
)
def test_whole_answers_the_cut_rules_once_refused_are_accepted(
    lang: str, instruction: str, original_response: str, response: str
) -> None:
    assert _judge(instruction, original_response, response, lang) == ("", "")


def test_a_number_is_never_read_from_inside_another() -> None:
    # `12` of `12.5kg` is no number of the original: the revision keeps its result 12.5
    reason, detail = _judge(
        "How heavy is the parcel, given 10 and 2.5 kg?",
        "The parcel weighs 12.5kg in all",
        "Adding 10 and 2.5 gives a weight of 12.5 kg for the parcel in all",
        "en",
    )
    assert detail != "result_missing", (reason, detail)


def test_an_answer_with_the_names_the_task_gives_restates_nothing() -> None:
    # the request's words and the names of its material: an answer (`task_restated` refused it)
    task = "¿Quiénes son los dos personajes principales del texto dado?\nJuan y Lucía pasean."
    old = "Son Juan y su amiga Lucía, que pasean juntos."
    new = "Los dos personajes principales del texto dado son Juan y Lucía"
    assert not restates_the_task(old, new, "es", task)
    assert restates_the_task(old, "Los dos personajes principales del texto dado", "es", task)


@pytest.mark.parametrize(
    ("lang", "original_response", "response"),
    [
        # the result has no unit: the line's units divide out (`4 fois` is no unit of the line)
        ("fr", "5 cm entre 4 fois dans 20 cm.", "On divise :\n\n20 cm / 5 cm = 4"),
        ("cs", "Poměr je 3 ku 1.", "Výpočet:\n\nPoměr = 6 kg / 2 kg = 3"),
        ("ar", "تتسع 4 مرات.", "الحساب:\n\n20 لتر ÷ 5 لتر = 4"),
    ],
)
def test_a_ratio_without_a_unit_is_no_unit_cut(
    lang: str, original_response: str, response: str
) -> None:
    _, detail = _judge("?", original_response, response, lang)
    assert detail != "unit_missing"


def test_a_source_line_after_the_answer_is_no_explanation_cut() -> None:
    response = "**Jawapan:** Kuala Lumpur\n\nSumber: Jabatan Perangkaan Malaysia"
    _, detail = _judge("Apakah ibu negara Malaysia?", "Kuala Lumpur", response, "ms")
    assert detail != "explanation_cut"


def test_a_japanese_label_whose_answer_was_cut_is_no_subtitle() -> None:
    # `手順：` + a clause with its particles, cut: not a title's subtitle after `：`
    response = "カレーの作り方は次の通りです：\n\n手順：鍋で玉ねぎと肉を炒めて野菜"
    reason, _ = _judge(
        "カレーの作り方を教えてください。", "玉ねぎを炒めて煮込みます。", response, "ja"
    )
    assert reason == "guard:truncated"

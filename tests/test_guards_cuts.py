"""Cut answers that stop on a word no line ends on (boost/guard_cut_words.py, read by
boost/guard_truncation.py), and the good revisions that end on such a word legally. Fixture
strings written for the tests."""

from __future__ import annotations

import pytest

from guard_judge import judge_response as _judge
from midb_cli.boost.guard_cut_words import NEVER_FINAL


@pytest.mark.parametrize(
    ("lang", "instruction", "original_response", "response"),
    [
        (
            "id",
            "Jelaskan manfaat olahraga pagi.",
            "Olahraga pagi membuat tubuh segar dan pikiran jernih.",
            "Olahraga pagi membuat tubuh segar dan kita memiliki",
        ),
        (
            "de",
            "Warum fällt der Zug heute aus?",
            "Der Zug fällt wegen eines Sturms aus.",
            "Der Zug fällt heute leider aus, und zwar aufgrund",
        ),
        (
            "es",
            "Describe tu ciudad favorita.",
            "Mi ciudad favorita es Sevilla, por su luz y su comida.",
            "Mi ciudad favorita es Sevilla y tiene algunas",
        ),
        (
            "tr",
            "Sabah rutinini anlat.",
            "Erkenden kalkarım, kahvaltı yaparım ve yürüyüşe çıkarım.",
            "Her sabah erkenden kalkarım ve kahvaltıdan sonra bazı",
        ),
        (
            "ko",
            "가장 좋아하는 계절을 설명하세요.",
            "저는 가을을 좋아합니다. 날씨가 선선하고 단풍이 아름답습니다.",
            "저는 가을을 좋아하는데 단풍이 아름답고 하늘이 가장",
        ),
    ],
)
def test_a_cut_on_a_word_that_ends_no_line_is_refused(
    lang: str, instruction: str, original_response: str, response: str
) -> None:
    assert _judge(instruction, original_response, response, lang) == (
        "guard:truncated",
        "word_that_ends_no_line",
    )


@pytest.mark.parametrize(
    ("lang", "instruction", "original_response", "response"),
    [
        # a value after a label
        (
            "es",
            "Di el adjetivo y el adverbio de la frase: Llegó rápido, aproximadamente a las dos.",
            "Adjetivo: rápido\nAdverbio: aproximadamente",
            "Las palabras son:\n\n- Adjetivo: rápido\n\n- Adverbio: aproximadamente",
        ),
        # the revision's own list ends its lines on the word
        (
            "pt",
            "Liste verbos que combinam com a palavra algo.",
            "Fazer algo, criar algo, dizer algo.",
            "Aqui estão alguns verbos:\n\n- Fazer algumas\n\n- Criar algumas\n\n- Dizer algumas",
        ),
        # the original ends its last line on the word too
        (
            "de",
            "Schreibe einen Werbespruch für einen Laden.",
            "Ihr Laden für das Beste",
            "Ihr Laden für alles, was Sie brauchen: immer das beste",
        ),
        # verse: a line left open like the one before it
        (
            "fr",
            "Écris un court poème sur la lune.",
            "La lune brille.\nElle veille sur nous.",
            "La lune se lève sur la mer tranquille\nElle nous regarde et nous demandons comment",
        ),
        # "also" and an indirect question end sentences in everyday text
        (
            "id",
            "Apakah kamu suka kopi?",
            "Ya, saya suka kopi dan teh",
            "Ya, saya suka kopi dan adik saya juga",
        ),
        (
            "es",
            "Escribe un título para una canción sobre la amistad.",
            "Tú y yo",
            "Tú y yo también",
        ),
        (
            "es",
            "Escribe un título para una canción triste.",
            "Nadie sabe la razón",
            "Nadie sabe por qué",
        ),
        # a post ends on its hashtags
        (
            "id",
            "Tulis cuitan tentang liburan.",
            "Liburan ke pantai itu menyenangkan! #liburan",
            "Liburan ke pantai bersama keluarga selalu menyenangkan #liburan #beberapa",
        ),
    ],
)
def test_a_legal_ending_on_such_a_word_is_accepted(
    lang: str, instruction: str, original_response: str, response: str
) -> None:
    assert _judge(instruction, original_response, response, lang) == ("", "")


def test_the_table_lists_words_no_line_ends_on() -> None:
    # learned, yet every list holds the words a phrase always goes on after
    assert {"memiliki", "beberapa"} <= NEVER_FINAL["id"]
    assert "aufgrund" in NEVER_FINAL["de"]
    assert "ja" not in NEVER_FINAL  # no spaces, no words
    assert all(w == w.lower() and " " not in w for words in NEVER_FINAL.values() for w in words)


@pytest.mark.parametrize(
    ("lang", "instruction", "original_response", "response", "rule"),
    [
        # a numbered step after a closed one, below a bulleted list of ingredients
        (
            "fr",
            "Donne une recette de crêpes.",
            "Mélangez la farine, les œufs et le lait. Faites cuire dans une poêle chaude.",
            "Ingrédients :\n- 250 g de farine\n- 3 œufs\n- 50 cl de lait\n\nÉtapes :\n"
            "1. Mélangez la farine et les œufs.\n2. Versez le lait peu à peu",
            "open_after_closed_lines",
        ),
        # the first words of the corrected sentence after its lead-in
        (
            "es",
            "Corrige la oración: Ella comer una manzana cada día.",
            "Ella come una manzana cada día.",
            "La oración corregida es:\n\nElla",
            "answer_just_started",
        ),
        # a product without its second factor
        (
            "de",
            "Wie groß ist die Winkelsumme eines Fünfecks?",
            "Die Winkelsumme beträgt 540 Grad.",
            "Die Winkelsumme ist (n - 2) x 180 Grad.\n\nMit n = 5: (5 - 2) x 180 = 3 x",
            "open_bracket_or_formula",
        ),
        # a template brace opened and never closed
        (
            "de",
            "Erzeuge eine zufällige vierstellige Zahl.",
            "4513",
            "Hier ist eine Zahl: 4513.\n\nUnd der Code für eine neue Zahl:\n{{random.ran",
            "open_bracket_or_formula",
        ),
        # bold opened for the answer, never closed
        (
            "it",
            "Quali sono le capitali di India e Canada?",
            "India: Nuova Delhi. Canada: Ottawa.",
            "Le capitali sono:\n\n- India: **Nuova Delhi**\n\n- Canada: **Otta",
            "open_bracket_or_formula",
        ),
        # an item of the original cut inside its word
        (
            "it",
            "Trova il soggetto e il verbo della frase: Lui sta scrivendo.",
            "Soggetto: Lui\nVerbo: sta scrivendo",
            "Ecco il soggetto e il verbo:\n\n- Soggetto: Lui\n\n- Verbo: s",
            "item_cut",
        ),
        # a lone open item under a heading
        (
            "it",
            "Come si prepara il tè?",
            "Scalda l'acqua e lascia in infusione le foglie per tre minuti.",
            "Ecco come fare.\n\n**Istruzioni**\n\n1. Scalda l'acqua in un pentolino",
            "lone_open_item",
        ),
        # a short open line after the rest of the answer
        (
            "id",
            "Sebutkan tiga warna primer.",
            "Merah, kuning, dan biru.",
            "Tiga warna primer adalah:\n\n- Merah\n\n- Kuning\n\n- Biru\n\nKetiga warna ini",
            "short_line_after_text",
        ),
        # a stump of the item before it
        (
            "cs",
            "Jaké vlastnosti má dobrý telefon?",
            "Dobrý telefon má dlouhou výdrž baterie a kvalitní fotoaparát.",
            "Dobrý telefon nabízí:\n\n- Dlouhou výdrž baterie a rychlé nabíjení\n\n"
            "- Kvalitní fotoaparát s nočním režimem\n\n- Rychlý",
            "short_last_item",
        ),
        # a stump of the verse lines before it
        (
            "tr",
            "Deniz hakkında kısa bir şiir yaz.",
            "Deniz mavi, dalgalar sessiz.\nRüzgar eser, martılar uçar.",
            "Deniz maviye boyanmış sabah ışığında\nDalgalar kıyıya fısıldıyor sessizce\nMartılar",
            "short_last_line",
        ),
        # the original ends open (a list of words), the last line alone after the list
        (
            "es",
            "Da consejos para dormir mejor.",
            "Horario fijo, habitación oscura, sin pantallas",
            "Aquí tienes algunos consejos:\n\n- Acuéstate siempre a la misma hora\n\n"
            "- Mantén la habitación oscura y fresca\n\nAdemás, es recomendable apagar las pantallas",
            "open_line_after_text",
        ),
        # ... or an item alone under a paragraph
        (
            "ms",
            "Berikan idea nama kedai kopi.",
            "Kopi Senja, Kopi Pagi",
            "Nama kedai kopi perlu mudah diingat dan mesra. Berikut adalah cadangan saya.\n\n"
            "- Kopi Senja yang menenangkan hati pelanggan di waktu",
            "lone_open_item",
        ),
    ],
)
def test_a_cut_read_against_the_lines_before_it(
    lang: str, instruction: str, original_response: str, response: str, rule: str
) -> None:
    assert _judge(instruction, original_response, response, lang) == ("guard:truncated", rule)


@pytest.mark.parametrize(
    ("lang", "instruction", "original_response", "response"),
    [
        # the answer ends on the original's last two words (the check's open sentence waived)
        (
            "fr",
            "Qui sont les deux personnages principaux du passage ?",
            "Marie et Paul",
            "Les deux personnages principaux du passage donné sont Marie et Paul",
        ),
        # ... or on the one word of one of its items
        (
            "de",
            "Nenne die Länder Skandinaviens.",
            "-Dänemark\n-Norwegen\n-Schweden",
            "Die Länder Skandinaviens sind Dänemark, Norwegen und in der Regel auch Schweden",
        ),
        # a one-word answer after a lead-in where the original is one word too
        ("es", "Inventa un nombre para un dragón.", "Ignivar.", "Un nombre posible:\n\nPyrrak"),
    ],
)
def test_an_answer_that_ends_as_the_original_does_is_accepted(
    lang: str, instruction: str, original_response: str, response: str
) -> None:
    assert _judge(instruction, original_response, response, lang) == ("", "")

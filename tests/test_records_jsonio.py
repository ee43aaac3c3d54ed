"""jsonio's shortcut for `-0` (the search alone, no substring test first) keeps every number's
text: documents with `-0` in numbers and in strings are written back byte for byte."""

from __future__ import annotations

import random

from midb_cli import jsonio

_NUMBERS = ["-0", "-0.0", "-0e1", "-0E-2", "0", "-1", "-10", "-0.5", "10", "1.0", "1E2", "-01.5"]
_STRINGS = ['"-0"', '"UTC-0 "', '"a-0b"', '"x"', '"-"', '"-00"', '"\\n-0"']


def test_documents_with_minus_zero_round_trip() -> None:
    rng = random.Random(11)
    for _ in range(3000):
        values = [rng.choice(_NUMBERS[:-1] + _STRINGS) for _ in range(rng.randint(1, 6))]
        doc = "[" + ",".join(values) + "]"
        if rng.random() < 0.5:
            doc = '{"k":' + doc + ',"s":' + rng.choice(_STRINGS) + "}"
        data = doc.encode()
        plain = b"-0" in data and jsonio._NEG_ZERO_BYTES.search(data) is not None
        assert jsonio._has_negative_zero(data) == plain
        assert jsonio._has_negative_zero(doc) == plain
        assert jsonio.dumps(jsonio.loads(data)) == data, doc

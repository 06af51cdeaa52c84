"""Input that is not UTF-8 is decoded by what it is.

The size and shape limits, which parse megabytes in child processes, are in
tests/reliability/test_input_limits.py.
"""

from __future__ import annotations

from syncsvc.parse.normalise import decode
from syncsvc.parse.summary import parse_summary

JAPANESE = """Manila チームの Wallaby PTG のまとめ

=== 共有サーバーの移行 ===
議論:
- ネットワーク割り当てが遅いという報告があった
Actions:
- carloss will 割り当て処理をプロファイルする
- gouthamr will 仕様書を更新する by Wallaby-1
"""
RUSSIAN = """Итоги Wallaby PTG команды Manila

=== Миграция серверов ===
Обсуждение:
- выделение сети работает медленно
Actions:
- carloss will проверить выделение сети
"""


class TestEncodings:
    """Input that is not UTF-8 is decoded by what it is, not read as cp1252."""

    def test_shift_jis(self) -> None:
        """A Japanese summary in Shift-JIS decodes to the text that was written."""
        data = JAPANESE.encode("shift_jis")
        assert decode(data) == JAPANESE
        event = parse_summary(data)
        assert [t.title for t in event.topics] == ["共有サーバーの移行"]
        assert [a.text for a in event.topics[0].actions] == [
            "carloss will 割り当て処理をプロファイルする",
            "gouthamr will 仕様書を更新する by Wallaby-1",
        ]

    def test_cyrillic_cp1251(self) -> None:
        """A Russian summary in cp1251 decodes to the text that was written."""
        assert decode(RUSSIAN.encode("cp1251")) == RUSSIAN

    def test_latin1_still_latin1(self) -> None:
        """Western text with isolated accented letters stays cp1252/Latin-1."""
        text = "Résumé of the Café meeting: naïve façade, über große Straße, “quotes”…\n"
        assert decode(text.encode("cp1252")) == text
        assert decode("déjà vu\n".encode("latin-1")) == "déjà vu\n"

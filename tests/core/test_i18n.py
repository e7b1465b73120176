"""The zh_Hans catalogue is compiled, complete, and used by default."""
from pathlib import Path

from django.conf import settings
from django.utils import translation

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def _entries(text: str):
    """(msgid, msgstr, fuzzy) for each entry of a .po file (enough of the format for this check)."""
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if line and not line.startswith("#~")]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        msgid, msgstr, current = [], [], None
        for line in lines:
            if line.startswith("msgid "):
                current = msgid
                line = line[6:]
            elif line.startswith("msgstr"):
                current = msgstr
                line = line.split(" ", 1)[1]
            elif line.startswith("msgid_plural") or line.startswith("#") or line.startswith("msgctxt"):
                current = None if not line.startswith("msgid_plural") else None
                continue
            if current is not None and line.startswith('"'):
                current.append(line[1:-1])
        if msgid:
            yield "".join(msgid), "".join(msgstr), fuzzy


def test_default_language_is_chinese():
    assert settings.LANGUAGE_CODE == "zh-hans"
    with translation.override("zh-hans"):
        assert translation.gettext("Organisation system") == "组织体系"


def test_catalogue_is_complete_and_compiled():
    entries = [e for e in _entries(PO.read_text(encoding="utf-8")) if e[0]]
    untranslated = [msgid for msgid, msgstr, fuzzy in entries if not msgstr or fuzzy]
    assert len(entries) > 500
    assert untranslated == [], f"{len(untranslated)} untranslated: {untranslated[:5]}"
    assert MO.exists() and MO.stat().st_size > 10_000

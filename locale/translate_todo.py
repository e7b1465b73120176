#!/usr/bin/env python3
"""List untranslated or fuzzy entries of a gettext catalogue (stdlib only).

Usage (from the repository root):

    python locale/translate_todo.py                 # default: locale/zh_Hans/LC_MESSAGES/django.po
    python locale/translate_todo.py path/to/x.po    # another catalogue
    python locale/translate_todo.py --refs          # also print the "#:" source references
    python locale/translate_todo.py --json          # machine-readable list (for a fill script)
    python locale/translate_todo.py --count         # only the counts

Typical cycle when new UI strings appear:

    .venv/bin/python manage.py makemessages -l zh_Hans   # keeps existing translations
    python locale/translate_todo.py                      # what is left to do
    # ... translate, remove "#, fuzzy" from reviewed entries ...
    msgfmt --check -o locale/zh_Hans/LC_MESSAGES/django.mo locale/zh_Hans/LC_MESSAGES/django.po

Exit status: 0 when nothing is left to do, 1 when there are untranslated/fuzzy entries.
Obsolete entries (lines starting with "#~") are ignored. The header entry is
reported only if it is still flagged fuzzy (Django ignores a fuzzy header).

The module also exposes ``parse(path)`` returning a list of ``Entry`` objects
and ``unquote``/``quote`` helpers so a fill script can reuse them.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass, field

DEFAULT_PO = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "zh_Hans", "LC_MESSAGES", "django.po"
)

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def unquote(s: str) -> str:
    """Turn a PO string literal (with surrounding quotes) into text."""
    s = s.strip()
    if not (s.startswith('"') and s.endswith('"')):
        raise ValueError(f"not a PO string literal: {s!r}")
    s = s[1:-1]
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            out.append(_ESCAPES.get(s[i + 1], s[i + 1]))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def quote(text: str) -> str:
    """Turn text into a single PO string literal."""
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\r", "\\r")
    return '"' + text.replace("\n", "\\n") + '"'


@dataclass
class Entry:
    lineno: int
    comments: list = field(default_factory=list)  # raw "#..." lines (without "#, " flags line)
    flags: list = field(default_factory=list)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: str = ""
    msgstr_plural: dict = field(default_factory=dict)  # index -> text

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        if self.msgid_plural is not None:
            return bool(self.msgstr_plural) and all(v for v in self.msgstr_plural.values())
        return bool(self.msgstr)

    @property
    def refs(self) -> list:
        out = []
        for c in self.comments:
            if c.startswith("#:"):
                out.extend(c[2:].split())
        return out


def parse(path: str) -> list:
    """Parse a .po file into Entry objects (obsolete '#~' entries are skipped)."""
    entries: list = []
    cur: Entry | None = None
    target = None  # (attr, index)

    def flush():
        nonlocal cur
        if cur is not None and (cur.msgid or cur.msgstr or cur.msgid_plural is not None or cur.comments or cur.flags):
            entries.append(cur)
        cur = None

    def append(text):
        attr, idx = target
        if attr == "msgstr_plural":
            cur.msgstr_plural[idx] = cur.msgstr_plural.get(idx, "") + text
        else:
            setattr(cur, attr, (getattr(cur, attr) or "") + text)

    with open(path, encoding="utf-8") as fh:
        for n, raw in enumerate(fh, 1):
            line = raw.rstrip("\n")
            s = line.strip()
            if not s:
                flush()
                target = None
                continue
            if s.startswith("#~"):
                continue
            if s.startswith("#"):
                if cur is not None and target is not None and target[0].startswith("msgstr"):
                    flush()  # comment after a msgstr starts a new entry
                if cur is None:
                    cur = Entry(lineno=n)
                if s.startswith("#,"):
                    cur.flags.extend(f.strip() for f in s[2:].split(",") if f.strip())
                else:
                    cur.comments.append(s)
                target = None
                continue
            if s.startswith("msgctxt ") or (s.startswith("msgid ") and (cur is None or (target and target[0].startswith("msgstr")))):
                if cur is not None and target is not None and target[0].startswith("msgstr"):
                    flush()
                if cur is None:
                    cur = Entry(lineno=n)
            if s.startswith("msgctxt "):
                cur.msgctxt = ""
                target = ("msgctxt", None)
                append(unquote(s[len("msgctxt "):]))
            elif s.startswith("msgid_plural "):
                cur.msgid_plural = ""
                target = ("msgid_plural", None)
                append(unquote(s[len("msgid_plural "):]))
            elif s.startswith("msgid "):
                if cur is None:
                    cur = Entry(lineno=n)
                target = ("msgid", None)
                append(unquote(s[len("msgid "):]))
            elif s.startswith("msgstr["):
                idx = int(s[len("msgstr["):s.index("]")])
                target = ("msgstr_plural", idx)
                cur.msgstr_plural.setdefault(idx, "")
                append(unquote(s[s.index("]") + 1:]))
            elif s.startswith("msgstr "):
                target = ("msgstr", None)
                append(unquote(s[len("msgstr "):]))
            elif s.startswith('"'):
                if target is None:
                    raise ValueError(f"{path}:{n}: continuation line outside an entry")
                append(unquote(s))
            else:
                raise ValueError(f"{path}:{n}: cannot parse line: {line!r}")
    flush()
    return entries


def todo(entries):
    """Entries still needing work: untranslated or fuzzy (header only if fuzzy)."""
    out = []
    for e in entries:
        if e.is_header:
            if e.fuzzy:
                out.append((e, "fuzzy-header"))
            continue
        if e.fuzzy:
            out.append((e, "fuzzy"))
        elif not e.translated:
            out.append((e, "untranslated"))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("po", nargs="?", default=DEFAULT_PO)
    ap.add_argument("--refs", action="store_true", help="print source references too")
    ap.add_argument("--json", action="store_true", help="print a JSON list")
    ap.add_argument("--count", action="store_true", help="print only the counts")
    args = ap.parse_args(argv)

    entries = parse(args.po)
    items = todo(entries)
    total = sum(1 for e in entries if not e.is_header)
    n_untr = sum(1 for _, k in items if k == "untranslated")
    n_fuzzy = sum(1 for _, k in items if k == "fuzzy")

    if args.json:
        json.dump(
            [
                {
                    "status": k,
                    "msgctxt": e.msgctxt,
                    "msgid": e.msgid,
                    "msgid_plural": e.msgid_plural,
                    "msgstr": e.msgstr if e.msgid_plural is None else e.msgstr_plural,
                    "flags": e.flags,
                    "refs": e.refs,
                    "line": e.lineno,
                }
                for e, k in items
            ],
            sys.stdout,
            ensure_ascii=False,
            indent=1,
        )
        print()
        return 1 if items else 0

    print(f"{args.po}: {total} entries, {n_untr} untranslated, {n_fuzzy} fuzzy"
          + (", header is fuzzy" if any(k == "fuzzy-header" for _, k in items) else ""))
    if args.count:
        return 1 if items else 0
    for e, k in items:
        if k == "fuzzy-header":
            print(f"  [fuzzy header] line {e.lineno}: remove '#, fuzzy' above the header entry")
            continue
        ctx = f"[{e.msgctxt}] " if e.msgctxt is not None else ""
        plural = f"  |plural: {e.msgid_plural!r}" if e.msgid_plural is not None else ""
        print(f"  [{k}] line {e.lineno}: {ctx}{e.msgid!r}{plural}")
        if k == "fuzzy":
            cur = e.msgstr if e.msgid_plural is None else e.msgstr_plural
            print(f"      current: {cur!r}")
        if args.refs and e.refs:
            print(f"      refs: {' '.join(e.refs)}")
    return 1 if items else 0


if __name__ == "__main__":
    sys.exit(main())

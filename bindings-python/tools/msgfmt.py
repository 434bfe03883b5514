"""A small .po -> .mo compiler, so the catalogues build without GNU gettext installed.

``python3 tools/msgfmt.py FILE.po ...`` writes ``FILE.mo`` beside each ``.po``. The output is
the GNU ``.mo`` format as Python's :mod:`gettext` (and so Django) reads it: the header, then
every translated message sorted by its id, no hash table; fuzzy and untranslated entries are
left out, as ``msgfmt`` does. ``tests/test_i18n.py`` compiles every committed ``.po`` with it and
requires the committed ``.mo`` to be exactly that output::

    >>> catalogue = parse_po('msgid ""\\nmsgstr "Language: es\\\\n"\\n\\nmsgid "Paid"\\nmsgstr "Pagado"\\n')
    >>> catalogue["Paid"]
    'Pagado'
    >>> import gettext, io
    >>> gettext.GNUTranslations(io.BytesIO(compile_mo(catalogue))).gettext("Paid")
    'Pagado'
"""

from __future__ import annotations

import ast
import struct
import sys
from pathlib import Path
from typing import Dict, List

__all__ = ["parse_po", "compile_mo", "compile_file"]


def _unquote(text: str, where: str) -> str:
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"{where}: a string must be in double quotes: {text!r}")
    value = ast.literal_eval(text)  # C-style escapes, as .po strings have
    if not isinstance(value, str):
        raise ValueError(f"{where}: not a string")
    return value


def parse_po(source: str, name: str = "<po>") -> Dict[str, str]:
    """The translated messages of a .po text: ``{msgid: msgstr}`` (``"ctxt\\x04id"`` for a
    context, ``"id\\x00plural"`` -> ``"s0\\x00s1"`` for plurals), header included under ``""``."""
    catalogue: Dict[str, str] = {}
    entry: Dict[str, str] = {}
    fuzzy = False
    key = ""

    def flush() -> None:
        nonlocal entry, fuzzy
        if "msgid" in entry:
            msgid = entry["msgid"]
            if "msgid_plural" in entry:
                msgid += "\0" + entry["msgid_plural"]
                forms = sorted((k for k in entry if k.startswith("msgstr[")), key=lambda k: int(k[7:-1]))
                msgstr = "\0".join(entry[k] for k in forms)
            else:
                msgstr = entry.get("msgstr", "")
            if "msgctxt" in entry:
                msgid = entry["msgctxt"] + "\x04" + msgid
            if msgstr.replace("\0", "") and (not fuzzy or msgid == ""):
                catalogue[msgid] = msgstr
        entry, fuzzy = {}, False

    for number, line in enumerate(source.splitlines(), 1):
        where = f"{name}:{number}"
        line = line.strip()
        if not line:
            continue
        if line.startswith("#,"):
            if any(k.startswith("msgstr") for k in entry):
                flush()
            fuzzy = fuzzy or "fuzzy" in [f.strip() for f in line[2:].split(",")]
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            if not key:
                raise ValueError(f"{where}: a continuation line outside an entry")
            entry[key] += _unquote(line, where)
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and any(k.startswith("msgstr") for k in entry):
            flush()
        if keyword not in ("msgctxt", "msgid", "msgid_plural", "msgstr") and not keyword.startswith("msgstr["):
            raise ValueError(f"{where}: unknown keyword {keyword!r}")
        key = keyword
        entry[key] = _unquote(rest, where)
    flush()
    return catalogue


def compile_mo(catalogue: Dict[str, str]) -> bytes:
    """The GNU .mo bytes of ``catalogue`` (little-endian, ids sorted, no hash table)."""
    ids: List[bytes] = []
    strs: List[bytes] = []
    for msgid in sorted(catalogue, key=lambda k: k.encode("utf-8")):
        ids.append(msgid.encode("utf-8"))
        strs.append(catalogue[msgid].encode("utf-8"))
    count = len(ids)
    originals_at = 7 * 4
    translations_at = originals_at + count * 8
    data_at = translations_at + count * 8
    table_ids: List[int] = []
    table_strs: List[int] = []
    blob = b""
    for text in ids:
        table_ids += [len(text), data_at + len(blob)]
        blob += text + b"\0"
    for text in strs:
        table_strs += [len(text), data_at + len(blob)]
        blob += text + b"\0"
    header = struct.pack("<7I", 0x950412DE, 0, count, originals_at, translations_at, 0, data_at)
    return header + struct.pack(f"<{2 * count}I", *table_ids) + struct.pack(f"<{2 * count}I", *table_strs) + blob


def compile_file(po: Path) -> Path:
    """Compiles ``po`` to the ``.mo`` beside it; returns that path."""
    mo = po.with_suffix(".mo")
    mo.write_bytes(compile_mo(parse_po(po.read_text(encoding="utf-8"), str(po))))
    return mo


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        print(compile_file(Path(arg)))

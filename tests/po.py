"""A small reader of gettext .po files, for the translation checks (no polib needed)."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

KABINET = Path(__file__).resolve().parents[1] / "kabinet"


@dataclass
class Entry:
    msgid: str
    context: str = ""
    plural: str = ""
    strings: list[str] = field(default_factory=list)
    fuzzy: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return (self.context, self.msgid)

    @property
    def translated(self) -> bool:
        return bool(self.strings) and all(self.strings) and not self.fuzzy


def po_entries(path: Path) -> list[Entry]:
    """Every entry of the catalogue but its header and obsolete (`#~`) entries."""
    entries: list[Entry] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry = Entry(msgid="")
        part = ""
        values: dict[str, str] = {}
        for line in block.splitlines():
            if line.startswith("#,") and "fuzzy" in line:
                entry.fuzzy = True
            if line.startswith("#") or not line.strip():
                continue
            if line.startswith('"'):
                values[part] += ast.literal_eval(line)
                continue
            part, _, rest = line.partition(" ")
            values[part] = ast.literal_eval(rest)
        if not values.get("msgid"):
            continue
        entry.msgid = values["msgid"]
        entry.context = values.get("msgctxt", "")
        entry.plural = values.get("msgid_plural", "")
        entry.strings = [v for k, v in sorted(values.items()) if k.startswith("msgstr")]
        entries.append(entry)
    return entries


def catalogues(language: str) -> dict[str, Path]:
    """App name -> its .po file for `language`."""
    return {
        po.parents[3].name: po
        for po in sorted(KABINET.glob(f"*/locale/{language}/LC_MESSAGES/django.po"))
    }

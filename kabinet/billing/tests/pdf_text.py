"""Read the text back out of an uncompressed fpdf2 PDF (a test helper, not a PDF parser).

fpdf2 writes text in an embedded TrueType font as glyph numbers; each font carries a ToUnicode
map from those numbers back to characters. This follows the fonts' maps through the page's
`Tf` and `Tj` operators, enough to check what a statement says.
"""

import re

OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)
FONT_REF = re.compile(rb"/(F\d+) (\d+) 0 R")
TO_UNICODE = re.compile(rb"/ToUnicode (\d+) 0 R")
BFCHAR = re.compile(rb"<([0-9A-Fa-f]{4})> <([0-9A-Fa-f]+)>")
TOKEN = re.compile(rb"/(F\d+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\) Tj", re.S)
ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _unescape(raw: bytes) -> bytes:
    out = bytearray()
    index = 0
    while index < len(raw):
        byte = raw[index : index + 1]
        if byte != b"\\":
            out += byte
            index += 1
            continue
        following = raw[index + 1 : index + 2]
        octal = re.match(rb"[0-7]{1,3}", raw[index + 1 : index + 4])
        if octal:
            out.append(int(octal.group(), 8))
            index += 1 + len(octal.group())
        else:
            out += ESCAPES.get(following, following)
            index += 2
    return bytes(out)


def pdf_text(data: bytes) -> str:
    objects = {int(number): body for number, body in OBJECT.findall(data)}
    maps: dict[bytes, dict[int, str]] = {}
    for body in objects.values():
        for name, font_number in FONT_REF.findall(body):
            font = objects.get(int(font_number), b"")
            to_unicode = TO_UNICODE.search(font)
            if to_unicode is None:
                continue
            cmap = objects[int(to_unicode.group(1))]
            maps[name] = {
                int(glyph, 16): bytes.fromhex(text.decode()).decode("utf-16-be")
                for glyph, text in BFCHAR.findall(cmap)
            }
    pieces: list[str] = []
    current: dict[int, str] = {}
    for body in objects.values():
        if b"stream" not in body or b"Tj" not in body:
            continue
        for font, string in TOKEN.findall(body):
            if font:
                current = maps.get(font, {})
                continue
            raw = _unescape(string)
            glyphs = [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw), 2)]
            pieces.append("".join(current.get(glyph, "?") for glyph in glyphs))
    return "\n".join(pieces)

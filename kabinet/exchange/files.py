"""Reading exchange files: CSV or DBF, streamed row by row, with each row's line number.

A file is opened as a `SourceFile`: its header is read at once (so that its kind can be told
before any row is), its rows are read lazily by `rows()`. Problems that make a whole file or a
single row unreadable are reported as `RowError`s, never as exceptions escaping to the caller.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from dbfread import DBF
from dbfread.codepages import guess_encoding
from django.utils.translation import gettext as _

# A cell as read: text, or a date from a DBF date field. None is an empty cell.
Cell = str | dt.date | None

WHOLE_ROW = "*"

# Version bytes of dBase III/IV, FoxBase and FoxPro tables (with or without memo).
DBF_VERSIONS = frozenset(
    {0x02, 0x03, 0x04, 0x05, 0x30, 0x31, 0x32, 0x43, 0x63, 0x83, 0x8B, 0xCB, 0xF5, 0xFB}
)
# Legacy tables without a language driver byte are DOS-era: cp866.
DBF_DEFAULT_ENCODING = "cp866"
CSV_FALLBACK_ENCODING = "cp1251"
UTF8_BOM = codecs.BOM_UTF8
DECODE_BLOCK = 1 << 20


@dataclass(frozen=True)
class RowError:
    """One problem in one row: `file:line: column: reason`."""

    file: str
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.reason}"


class FileRejected(Exception):
    """The file as a whole cannot be read (empty, not CSV or DBF, broken header)."""

    def __init__(self, error: RowError) -> None:
        super().__init__(str(error))
        self.error = error


ReportError = Callable[[RowError], None]


class SourceFile:
    """An exchange file, CSV or DBF; `columns` is its header, lower-cased."""

    def __init__(self, *, path: Path, display_name: str, encoding: str | None) -> None:
        self.path = path
        self.display_name = display_name
        self.encoding = encoding
        self.columns: list[str] = []
        self.format = ""
        self._dbf: _DbfLayout | None = None
        self._csv_encoding: str | None = None
        self._decode_state = _DecodeState(None, explicit=False)
        self._open()

    def error(self, line: int, column: str, reason: str) -> RowError:
        return RowError(file=self.display_name, line=line, column=column, reason=reason)

    def _reject(self, reason: str, line: int = 1, column: str = WHOLE_ROW) -> FileRejected:
        return FileRejected(self.error(line, column, reason))

    def _open(self) -> None:
        try:
            with self.path.open("rb") as stream:
                head = stream.read(65536)
        except OSError as error:
            raise self._reject(
                _("cannot open the file: %(reason)s") % {"reason": error.strerror}
            ) from error
        if not head:
            raise self._reject(_("the file is empty"))
        if head[0] in DBF_VERSIONS and _looks_like_dbf(head, self.path.stat().st_size):
            self.format = "dbf"
            self._open_dbf()
        elif b"\x00" in head:
            raise self._reject(_("not a CSV or DBF file"))
        else:
            self.format = "csv"
            self._open_csv(head)

    # --- CSV ---------------------------------------------------------------------------------

    def _open_csv(self, head: bytes) -> None:
        if self.encoding:
            self._csv_encoding = self.encoding
        elif head.startswith(UTF8_BOM):
            self._csv_encoding = "utf-8-sig"
        lines = self._decoded_lines(report=_raise_first)
        try:
            cells = next(csv.reader(lines, strict=True), None)
        except csv.Error as error:
            raise self._reject(_("broken CSV quoting: %(reason)s") % {"reason": error}) from error
        finally:
            lines.close()  # type: ignore[attr-defined]
        if cells is None:
            raise self._reject(_("the file is empty"))
        self.columns = [cell.strip().lower() for cell in cells]
        if not any(self.columns):
            raise self._reject(_("the first line must be the header"))

    def _decoded_lines(self, report: ReportError) -> Iterator[str]:
        """Decode the file into lines, a block at a time while the block decodes cleanly.

        An undecided file becomes UTF-8 or Windows-1251 at its first non-ASCII line; a block
        that does not decode, and every block of a detected Windows-1251 file (where a UTF-8
        line would decode too, as gibberish), is gone through line by line, so that a line in
        the other encoding is reported with its number (a mixed file).
        """
        state = _DecodeState(self._csv_encoding, explicit=self.encoding is not None)
        self._decode_state = state
        line = 1
        rest = b""
        with self.path.open("rb") as stream:
            first = True
            while True:
                block = stream.read(DECODE_BLOCK)
                if first and block.startswith(UTF8_BOM):
                    block = block[len(UTF8_BOM) :]
                first = False
                if not block:
                    if rest:
                        yield from self._decode_each(rest.split(b"\n"), line, state, report)
                    return
                block = rest + block
                cut = block.rfind(b"\n") + 1
                if cut == 0:
                    rest = block
                    continue
                block, rest = block[:cut], block[cut:]
                text = state.decode_block(block)
                raw_lines = None if text is not None else block.split(b"\n")[:-1]
                if text is not None:
                    # Split on \n only (not on \r or U+2028), as an editor numbers the lines.
                    yield from io.StringIO(text, newline="\n")
                    line += text.count("\n")
                else:
                    assert raw_lines is not None
                    for text_line in self._decode_each(raw_lines, line, state, report):
                        yield text_line + "\n"
                    line += len(raw_lines)

    def _decode_each(
        self, raw_lines: list[bytes], first_line: int, state: _DecodeState, report: ReportError
    ) -> Iterator[str]:
        for number, raw in enumerate(raw_lines, start=first_line):
            text, problem = state.decode_line(raw)
            if problem:
                report(self.error(number, WHOLE_ROW, problem))
            yield text

    def _csv_rows(self, report: ReportError) -> Iterator[tuple[int, list[Cell]]]:
        width = len(self.columns)
        reader = csv.reader(self._decoded_lines(report), strict=True)
        start = 1
        try:
            next(reader, None)  # the header, read already
            start = reader.line_num + 1
            for cells in reader:
                line = start
                start = reader.line_num + 1
                if len(cells) == width:
                    if self._decode_state.replaced and any("\ufffd" in c for c in cells):
                        continue  # its line was reported as undecodable; nothing more to say
                    yield line, cells  # type: ignore[misc]
                elif cells and (len(cells) > 1 or cells[0].strip()):
                    report(
                        self.error(
                            line,
                            WHOLE_ROW,
                            _("%(found)d cells where the header has %(expected)d")
                            % {"found": len(cells), "expected": width},
                        )
                    )
        except csv.Error as error:
            report(
                self.error(
                    start, WHOLE_ROW, _("broken CSV quoting: %(reason)s") % {"reason": error}
                )
            )

    # --- DBF ---------------------------------------------------------------------------------

    def _open_dbf(self) -> None:
        try:
            table = DBF(str(self.path), raw=True, encoding="latin-1", ignore_missing_memofile=True)
        except (ValueError, struct.error, OSError, UnicodeDecodeError) as error:
            raise self._reject(_("broken DBF header: %(reason)s") % {"reason": error}) from error
        encoding = self.encoding
        if not encoding:
            try:
                encoding = guess_encoding(table.header.language_driver)
            except LookupError:
                encoding = DBF_DEFAULT_ENCODING
        fields = []
        for field in table.fields:
            if field.type not in "CDNFL":
                raise self._reject(
                    _("field %(name)s has type %(type)s, which the exchange format does not use")
                    % {"name": field.name, "type": field.type}
                )
            fields.append((field.name.strip().lower(), field.type, field.length))
        self._dbf = _DbfLayout(
            encoding=encoding,
            fields=fields,
            header_length=table.header.headerlen,
            record_length=table.header.recordlen,
            records=table.header.numrecords,
        )
        self.columns = [name for name, _type, _length in fields]

    def _dbf_rows(self, report: ReportError) -> Iterator[tuple[int, list[Cell]]]:
        layout = self._dbf
        assert layout is not None
        with self.path.open("rb") as stream:
            stream.seek(layout.header_length)
            for number in range(1, layout.records + 1):
                record = stream.read(layout.record_length)
                if len(record) < layout.record_length or record[:1] == b"\x1a":
                    report(
                        self.error(
                            number,
                            WHOLE_ROW,
                            _("the file ends before record %(number)d of %(total)d (truncated?)")
                            % {"number": number, "total": layout.records},
                        )
                    )
                    return
                if record[:1] == b"*":
                    continue  # deleted
                problems: list[tuple[str, str]] = []
                cells = _parse_dbf_record(record, layout, problems)
                for column, reason in problems:
                    report(self.error(number, column, reason))
                if cells is not None:
                    yield number, cells

    # --- both --------------------------------------------------------------------------------

    def rows(self, report: ReportError) -> Iterator[tuple[int, list[Cell]]]:
        """Yield (line, cells) of each data row, cells in header order (raw CSV text or DBF
        values); unreadable rows go to `report` and are skipped."""
        if self.format == "dbf":
            return self._dbf_rows(report)
        return self._csv_rows(report)


@dataclass(frozen=True)
class _DbfLayout:
    encoding: str
    fields: list[tuple[str, str, int]]
    header_length: int
    record_length: int
    records: int


def _parse_dbf_record(
    record: bytes, layout: _DbfLayout, problems: list[tuple[str, str]]
) -> list[Cell] | None:
    """Return a record's cells, or None when `problems` got (column, reason) pairs."""
    cells: list[Cell] = []
    offset = 1
    ok = True
    for name, kind, length in layout.fields:
        raw = record[offset : offset + length]
        offset += length
        if kind == "D":
            text = raw.strip(b" \x00")
            if not text:
                cells.append(None)
                continue
            try:
                cells.append(dt.date(int(text[:4]), int(text[4:6]), int(text[6:8])))
            except ValueError:
                problems.append(
                    (name, _("not a date: %(value)s") % {"value": text.decode("latin-1")})
                )
                ok = False
            continue
        try:
            text_value = raw.decode(layout.encoding).strip(" \x00")
        except UnicodeDecodeError:
            problems.append(
                (name, _("cannot be read as %(encoding)s") % {"encoding": layout.encoding})
            )
            ok = False
            continue
        if "\x00" in text_value:
            text_value = text_value.replace("\x00", "")
        if kind == "L":
            text_value = {"T": "1", "Y": "1", "F": "0", "N": "0", "?": ""}.get(
                text_value.upper(), text_value
            )
        cells.append(text_value or None)
    return cells if ok else None


def _looks_like_dbf(head: bytes, size: int) -> bool:
    """Whether the first bytes are a plausible dBase header (a CSV never starts like one)."""
    if len(head) < 32:
        return False
    month, day = head[2], head[3]
    header_length, record_length = struct.unpack("<HH", head[8:12])
    return (
        1 <= month <= 12
        and 1 <= day <= 31
        and header_length >= 33
        and record_length >= 1
        and header_length <= size
    )


class _DecodeState:
    """The encoding of a CSV file as far as it is known, and how to decode what comes next."""

    def __init__(self, encoding: str | None, *, explicit: bool) -> None:
        self.codec = "utf-8" if encoding == "utf-8-sig" else encoding
        self.explicit = explicit
        self.replaced = False  # a line was undecodable and its bytes were replaced

    def decode_block(self, block: bytes) -> str | None:
        """The block's text, or None when it must go line by line."""
        if self.codec is None:
            if block.isascii():
                return block.decode("ascii")
            return None
        if self.codec == CSV_FALLBACK_ENCODING and not self.explicit:
            return block.decode("ascii") if block.isascii() else None
        try:
            return block.decode(self.codec)
        except UnicodeDecodeError:
            return None

    def decode_line(self, raw: bytes) -> tuple[str, str]:
        """A line's text and a problem to report ("" when none)."""
        if self.codec is None:
            if raw.isascii():
                return raw.decode("ascii"), ""
            try:
                text = raw.decode("utf-8")
                self.codec = "utf-8"
            except UnicodeDecodeError:
                self.codec = CSV_FALLBACK_ENCODING
                text = raw.decode(self.codec, errors="replace")
            return text, ""
        try:
            text = raw.decode(self.codec)
        except UnicodeDecodeError:
            self.replaced = True
            return raw.decode(self.codec, errors="replace"), _(
                "the line is not valid %(encoding)s (does the file mix encodings?)"
            ) % {"encoding": self.codec}
        if (
            not self.explicit
            and self.codec == CSV_FALLBACK_ENCODING
            and not raw.isascii()
            and _is_utf8(raw)
        ):
            return text, _("the line is UTF-8 but the file is Windows-1251 (mixed encodings)")
        return text, ""


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _raise_first(error: RowError) -> None:
    raise FileRejected(error)


def open_source(*, path: Path, display_name: str, encoding: str | None) -> SourceFile:
    """Open an exchange file and read its header; raises FileRejected."""
    return SourceFile(path=path, display_name=display_name, encoding=encoding)

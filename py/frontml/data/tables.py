"""CSV into Python the way data people expect (stdlib only; runs in the page).

```python
table = read_csv("iris.csv")          # path, bytes, str, or a binary/text file object
table.columns                          # [Column(name, type, missing)], types inferred
table.rows                             # list of dicts (None for missing values)
table.column("sepal_length")           # one column as a list
table.errors                           # [RowError(line, message)]: bad rows, never a crash
for row in CsvReader(big_file):        # streaming: types inferred from the first rows
    ...
```

Types: "int", "float", "bool", "str" (and "empty" for an all-missing column). Missing values
("", NA, N/A, NaN, null, None, ?) become None. A column is numeric when at least 90 % of its
values are; a row with a non-numeric cell there, or with too few/many fields, is reported with
its line number and left out, and every good row is kept. Bytes are read as UTF-8 (a BOM is
dropped); lines that are not UTF-8 are read as latin-1 (and `encoding` says so).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from frontml.errors import InputError

MISSING = frozenset({"", "na", "n/a", "nan", "null", "none", "?", "#n/a"})
TRUE = frozenset({"true", "yes", "y", "t"})
FALSE = frozenset({"false", "no", "n", "f"})
TYPES = ("int", "float", "bool", "str", "empty")
NUMERIC_SHARE = 0.9
SAMPLE_ROWS = 1000  # rows a stream looks at to infer types


@dataclass
class RowError:
    line: int
    message: str

    def to_json(self) -> dict:
        return {"line": self.line, "message": self.message}


@dataclass
class Column:
    name: str
    type: str
    missing: int = 0

    def to_json(self) -> dict:
        return {"name": self.name, "type": self.type, "missing": self.missing}


def _is_missing(cell: str) -> bool:
    return cell.strip().lower() in MISSING


def _kind(cell: str) -> str:
    """The narrowest type a (non-missing) cell fits."""
    s = cell.strip()
    low = s.lower()
    if low in TRUE or low in FALSE:
        return "bool"
    try:
        int(s)
        return "int"
    except ValueError:
        pass
    try:
        float(s)
        return "float"
    except ValueError:
        return "str"


def infer_type(cells: Iterable[str]) -> str:
    counts = {"int": 0, "float": 0, "bool": 0, "str": 0}
    for cell in cells:
        if not _is_missing(cell):
            counts[_kind(cell)] += 1
    total = sum(counts.values())
    if total == 0:
        return "empty"
    numeric = counts["int"] + counts["float"]
    if counts["bool"] == total:
        return "bool"
    if numeric >= NUMERIC_SHARE * total and numeric > 0:
        return "float" if counts["float"] else "int"
    return "str"


def convert(cell: str, kind: str):
    """The typed value of a cell (None when missing); ValueError with a message if it does not
    fit the column's type."""
    if _is_missing(cell):
        return None
    s = cell.strip()
    if kind == "int":
        try:
            return int(s)
        except ValueError:
            try:
                value = float(s)
            except ValueError:
                raise ValueError(f"{cell!r} is not a number") from None
            return value
    if kind == "float":
        try:
            return float(s)
        except ValueError:
            raise ValueError(f"{cell!r} is not a number") from None
    if kind == "bool":
        low = s.lower()
        if low in TRUE:
            return True
        if low in FALSE:
            return False
        raise ValueError(f"{cell!r} is not true/false")
    return cell


# ------------------------------------------------------------------ decoding


class _Lines:
    """Text lines from bytes chunks: UTF-8, with latin-1 for lines that are not UTF-8."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self.chunks = chunks
        self.encoding = "utf-8"

    def __iter__(self) -> Iterator[str]:
        rest = b""
        first = True
        for chunk in self.chunks:
            if first and chunk:
                if chunk.startswith(b"\xef\xbb\xbf"):
                    chunk = chunk[3:]
                first = False
            data = rest + chunk
            lines = data.split(b"\n")
            rest = lines.pop()
            for line in lines:
                yield self._decode(line + b"\n")
        if rest:
            yield self._decode(rest)

    def _decode(self, line: bytes) -> str:
        try:
            return line.decode("utf-8")
        except UnicodeDecodeError:
            self.encoding = "latin-1"
            return line.decode("latin-1")


def _chunks(source) -> tuple[Iterable[bytes] | Iterable[str], bool]:
    """(iterable of bytes or str pieces, is_bytes) for any supported source."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return [bytes(source)], True
    if isinstance(source, Path) or (isinstance(source, str) and "\n" not in source
                                    and "," not in source and len(source) < 4096):
        path = Path(source)
        if not path.exists():
            raise InputError(f"{path}: no such file")
        if not path.is_file():
            raise InputError(f"{path}: not a file")

        def gen() -> Iterator[bytes]:
            with open(path, "rb") as fh:
                while chunk := fh.read(1 << 16):
                    yield chunk

        return gen(), True
    if isinstance(source, str):
        return [source], False
    if hasattr(source, "read"):
        def read_all() -> Iterator:
            while chunk := source.read(1 << 16):
                yield chunk
        first = source.read(0)
        return read_all(), isinstance(first, bytes)
    raise InputError(f"cannot read CSV from a {type(source).__name__}")


def _text_lines(source) -> tuple[Iterable[str], _Lines | None]:
    pieces, is_bytes = _chunks(source)
    if is_bytes:
        lines = _Lines(pieces)  # type: ignore[arg-type]
        return lines, lines
    text = "".join(pieces)  # type: ignore[arg-type]
    if text.startswith("\ufeff"):
        text = text[1:]
    return io.StringIO(text, newline=""), None


def _sniff(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


# ------------------------------------------------------------------ reading


class CsvReader:
    """Streaming CSV: iterate for typed row dicts; `columns` and `errors` fill in as it goes.

    Types are inferred from the first `sample_rows` rows (or given as types={name: type})."""

    def __init__(self, source, delimiter: str | None = None, header: bool = True,
                 types: dict[str, str] | None = None, sample_rows: int = SAMPLE_ROWS) -> None:
        self.source = source
        self.delimiter = delimiter
        self.header = header
        self.types = dict(types or {})
        self.sample_rows = sample_rows
        self.columns: list[Column] = []
        self.errors: list[RowError] = []
        self.rows_read = 0
        self._decoder: _Lines | None = None

    @property
    def encoding(self) -> str:
        return self._decoder.encoding if self._decoder else "text"

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def _records(self) -> Iterator[tuple[int, list[str]]]:
        """(first line number, raw fields) of each record, header included."""
        lines, self._decoder = _text_lines(self.source)
        it = iter(lines)
        head: list[str] = []
        for line in it:  # read ahead a little to sniff the delimiter
            head.append(line)
            if len(head) >= 20:
                break
        if not head:
            return
        delim = self.delimiter or _sniff("".join(head))
        self.delimiter = delim

        def all_lines() -> Iterator[str]:
            yield from head
            yield from it

        reader = csv.reader(all_lines(), delimiter=delim)
        line = 1
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                self.errors.append(RowError(reader.line_num, f"unreadable CSV: {exc}"))
                line = reader.line_num + 1
                continue
            yield line, fields
            line = reader.line_num + 1

    def raw(self) -> Iterator[tuple[int, list[str]]]:
        """(line, fields) of the data rows, after the header; sets the column names."""
        records = self._records()
        names: list[str] | None = None
        for line, fields in records:
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue  # blank line
            if names is None:
                if self.header:
                    names = _unique_names(fields)
                    self.columns = [Column(n, self.types.get(n, "str")) for n in names]
                    continue
                names = [f"column_{i + 1}" for i in range(len(fields))]
                self.columns = [Column(n, self.types.get(n, "str")) for n in names]
            if len(fields) != len(names):
                self.errors.append(RowError(line, f"expected {len(names)} fields, got "
                                                  f"{len(fields)}"))
                continue
            yield line, fields
        if names is None:
            raise InputError("the CSV is empty (no header row)")

    def _typed(self, line: int, fields: list[str]) -> dict | None:
        row = {}
        for col, cell in zip(self.columns, fields, strict=True):
            try:
                value = convert(cell, col.type)
            except ValueError as exc:
                self.errors.append(RowError(line, f"column {col.name!r}: {exc}"))
                return None
            if value is None:
                col.missing += 1
            row[col.name] = value
        self.rows_read += 1
        return row

    def __iter__(self) -> Iterator[dict]:
        sample: list[tuple[int, list[str]]] = []
        raw = self.raw()
        for item in raw:
            sample.append(item)
            if len(sample) >= self.sample_rows:
                break
        for i, col in enumerate(self.columns):
            if col.name not in self.types:
                col.type = infer_type(fields[i] for _, fields in sample)
        for line, fields in sample:
            row = self._typed(line, fields)
            if row is not None:
                yield row
        for line, fields in raw:
            row = self._typed(line, fields)
            if row is not None:
                yield row


def _unique_names(fields: list[str]) -> list[str]:
    out: list[str] = []
    for i, f in enumerate(fields):
        name = f.strip() or f"column_{i + 1}"
        base, n = name, 2
        while name in out:
            name = f"{base}_{n}"
            n += 1
        out.append(name)
    return out


@dataclass
class Table:
    """A parsed CSV: typed rows (dicts), inferred columns, the bad rows' errors."""

    columns: list[Column]
    rows: list[dict]
    errors: list[RowError] = field(default_factory=list)
    encoding: str = "utf-8"
    delimiter: str = ","

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, name: str) -> list:
        if name not in self.names:
            raise KeyError(f"no column {name!r} (columns: {', '.join(self.names)})")
        return [row[name] for row in self.rows]

    def columns_dict(self) -> dict[str, list]:
        return {n: self.column(n) for n in self.names}

    def type_of(self, name: str) -> str:
        for c in self.columns:
            if c.name == name:
                return c.type
        raise KeyError(f"no column {name!r} (columns: {', '.join(self.names)})")

    def to_json(self, limit: int | None = 100) -> dict:
        rows = self.rows if limit is None else self.rows[:limit]
        return {"rows": len(self.rows), "columns": [c.to_json() for c in self.columns],
                "encoding": self.encoding, "delimiter": self.delimiter,
                "row_errors": [e.to_json() for e in self.errors],
                "head": [[row[n] for n in self.names] for row in rows]}


def read_csv(source, delimiter: str | None = None, header: bool = True,
             types: dict[str, str] | None = None) -> Table:
    """The whole CSV as a Table; types inferred from every row. InputError only when there is
    no table at all (missing file, empty file); bad rows go to `errors`."""
    reader = CsvReader(source, delimiter=delimiter, header=header, types=types,
                       sample_rows=1 << 62)
    rows = list(reader)
    return Table(reader.columns, rows, sorted(reader.errors, key=lambda e: e.line),
                 reader.encoding if reader.encoding != "text" else "utf-8",
                 reader.delimiter or ",")

"""The dataset's files, written as rows stream in."""

import csv
from pathlib import Path
from typing import Any, TextIO

from graph.importing.csv_files import FILES


class Sink:
    """A CSV writer per file of the format, with its header; rows come in the column order
    of graph/csv_files.py, and are counted."""

    def __init__(self, out: Path) -> None:
        out.mkdir(parents=True, exist_ok=True)
        self.counts = {spec.name: 0 for spec in FILES}
        self._widths = {spec.name: len(spec.columns) for spec in FILES}
        self._streams: list[TextIO] = []
        self._writers: dict[str, Any] = {}
        for spec in FILES:
            stream = (out / spec.name).open("w", encoding="utf-8", newline="")
            self._streams.append(stream)
            writer = csv.writer(stream, lineterminator="\n")
            writer.writerow([column.name for column in spec.columns])
            self._writers[spec.name] = writer

    def row(self, file: str, *cells: object) -> None:
        if len(cells) != self._widths[file]:
            raise ValueError(f"{file} takes {self._widths[file]} cells, not {len(cells)}")
        self._writers[file].writerow(cells)
        self.counts[file] += 1

    def close(self) -> None:
        for stream in self._streams:
            stream.close()

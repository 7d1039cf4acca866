import csv
from pathlib import Path


def read_rows(path):
    """Rows of the CSV file as dictionaries keyed by the header."""
    with Path(path).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))

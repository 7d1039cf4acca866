from pathlib import Path

from pipeline.clean import clean_rows
from pipeline.ingest import read_rows
from pipeline.report import build_report
from pipeline.stats import revenue_by_region, unit_stats

DATA = Path(__file__).resolve().parent.parent / "data" / "sales.csv"


def test_ingest_reads_every_row():
    rows = read_rows(DATA)
    assert len(rows) == 8
    assert rows[0]["region"] == "north"


def test_clean_drops_bad_rows_and_normalizes_regions():
    rows = clean_rows(read_rows(DATA))
    assert len(rows) == 6
    assert {row["region"] for row in rows} == {"north", "south", "east"}


def test_revenue_by_region():
    rows = clean_rows(read_rows(DATA))
    assert revenue_by_region(rows) == {"east": 25.0, "north": 80.0, "south": 67.5}


def test_unit_stats():
    rows = clean_rows(read_rows(DATA))
    assert unit_stats(rows) == {"mean": 7.5, "median": 7.5, "stdev": 3.27}


def test_report():
    report = build_report(DATA)
    assert report.splitlines() == [
        "rows: 6 kept of 8",
        "east: 25.00",
        "north: 80.00",
        "south: 67.50",
        "units: mean 7.5, median 7.5, stdev 3.27",
    ]

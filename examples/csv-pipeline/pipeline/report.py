from .clean import clean_rows
from .ingest import read_rows
from .stats import revenue_by_region, unit_stats


def build_report(path):
    """The text report of a sales CSV: rows kept, revenue per region, unit statistics."""
    raw = read_rows(path)
    rows = clean_rows(raw)
    lines = [f"rows: {len(rows)} kept of {len(raw)}"]
    for region, revenue in revenue_by_region(rows).items():
        lines.append(f"{region}: {revenue:.2f}")
    stats = unit_stats(rows)
    lines.append(f"units: mean {stats['mean']}, median {stats['median']}, stdev {stats['stdev']}")
    return "\n".join(lines)

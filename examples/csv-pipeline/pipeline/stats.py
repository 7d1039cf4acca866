from collections import defaultdict


def revenue_by_region(rows):
    """Total revenue per region, sorted by region name."""
    totals = defaultdict(float)
    for row in rows:
        totals[row["region"]] += row["revenue"]
    return dict(sorted((region, round(total, 2)) for region, total in totals.items()))


def unit_stats(rows):
    """Mean, median and standard deviation of units per sale."""
    units = [row["units"] for row in rows]
    return {
        "mean": round(statistics.mean(units), 2),
        "median": statistics.median(units),
        "stdev": round(statistics.stdev(units), 2) if len(units) > 1 else 0.0,
    }

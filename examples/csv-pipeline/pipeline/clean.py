def clean_rows(rows):
    """Normalized rows: region lower-cased and stripped, numbers parsed; rows with missing or bad numbers dropped."""
    cleaned = []
    for row in rows:
        try:
            units = int(row["units"])
            price = float(row["unit_price"])
        except (KeyError, TypeError, ValueError):
            continue
        cleaned.append(
            {
                "date": row["date"],
                "region": row["region"].strip().lower(),
                "product": row["product"].strip(),
                "units": units,
                "revenue": round(units * price, 2),
            }
        )
    return cleaned

def page_count(items, per_page):
    """Pages needed to show `items` items, `per_page` at a time."""
    if items == 0:
        return 0
    return items // per_page

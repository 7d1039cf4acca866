def slugify(title):
    """Lower-case words joined by dashes, punctuation dropped."""
    words = re.findall(r"[a-z0-9]+", title.lower())
    return "-".join(words)

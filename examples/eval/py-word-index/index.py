def build_index(lines):
    """Map each word to the line numbers it appears on (1-based)."""
    index = defaultdict(list)
    for number, line in enumerate(lines, start=1):
        for word in line.lower().split():
            if number not in index[word]:
                index[word].append(number)
    return dict(index)

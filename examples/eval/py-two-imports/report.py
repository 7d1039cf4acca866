def word_report(text):
    counts = Counter(text.lower().split())
    return json.dumps(dict(sorted(counts.items())))

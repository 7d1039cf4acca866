import colections


def most_common_tag(posts):
    tags = colections.Counter(tag for post in posts for tag in post["tags"])
    return tags.most_common(1)[0][0] if tags else None

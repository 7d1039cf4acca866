def distance(a, b):
    """Euclidean distance between two points (x, y)."""
    return math.hypot(b[0] - a[0], b[1] - a[1])


def circle_area(radius):
    return round(math.pi * radius * radius, 4)

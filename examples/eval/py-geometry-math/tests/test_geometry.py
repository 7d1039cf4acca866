from geometry import circle_area, distance


def test_distance():
    assert distance((0, 0), (3, 4)) == 5


def test_circle_area():
    assert circle_area(1) == 3.1416

from grades import letter


def test_boundaries():
    assert [letter(s) for s in (90, 80, 70, 69)] == ["A", "B", "C", "F"]


def test_top():
    assert letter(100) == "A"

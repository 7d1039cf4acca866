from receipt import receipt_line


def test_line():
    assert receipt_line("tea", 3, 120) == "tea: 360 cents"

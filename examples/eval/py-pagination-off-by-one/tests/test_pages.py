from pages import page_count


def test_exact_fit():
    assert page_count(20, 10) == 2


def test_partial_last_page():
    assert page_count(21, 10) == 3


def test_empty():
    assert page_count(0, 10) == 0

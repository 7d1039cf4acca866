from report import word_report


def test_report():
    assert word_report("b a B") == '{"a": 1, "b": 2}'

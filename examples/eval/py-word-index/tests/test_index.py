from index import build_index


def test_words_map_to_lines():
    assert build_index(["a b", "b c"]) == {"a": [1], "b": [1, 2], "c": [2]}


def test_repeated_word_counted_once_per_line():
    assert build_index(["x x"]) == {"x": [1]}

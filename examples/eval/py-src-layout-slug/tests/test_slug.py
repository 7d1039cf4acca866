from slugs import slugify


def test_punctuation_dropped():
    assert slugify("Hello, World!") == "hello-world"


def test_numbers_kept():
    assert slugify("Top 10 Tips") == "top-10-tips"

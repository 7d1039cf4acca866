from tally import most_common_tag


def test_most_common():
    posts = [{"tags": ["py", "web"]}, {"tags": ["py"]}]
    assert most_common_tag(posts) == "py"


def test_no_posts():
    assert most_common_tag([]) is None

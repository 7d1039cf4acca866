from settings import config_file


def test_default_location(tmp_path):
    assert config_file(tmp_path) == tmp_path / ".config" / "app.toml"


def test_custom_name(tmp_path):
    assert config_file(str(tmp_path), "x.toml").name == "x.toml"

DEFAULT_NAME = "app.toml"


def config_file(home, name=DEFAULT_NAME):
    """Where the user configuration lives: HOME/.config/NAME."""
    return Path(home) / ".config" / name

"""Settings read from the environment; the embedded default needs none."""

from config.settings import ConfigError, load_settings

__all__ = ["ConfigError", "load_settings"]

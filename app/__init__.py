"""家访通 Jiafang."""

__version__ = "0.1.0"

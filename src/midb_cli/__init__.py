"""midb: clean and boost multilingual instruction-tuning data."""

__version__ = "0.1.0"

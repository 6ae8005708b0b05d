"""eprep: exam prep for deep-learning theory, with every answer key proven."""

__version__ = "0.1.0"

"""Coalition Bot: a shared office for cities acting together on climate policy."""

__version__ = "0.1.0"

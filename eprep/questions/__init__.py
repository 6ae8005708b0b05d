"""The question bank as data: TOML files by day and topic, their loader, validation and variants.

Imports nothing heavy (no SymPy, no NumPy): the quiz loads the bank before its first question.
See SCHEMA.md for the format.
"""

from __future__ import annotations

from eprep.questions.errors import BankError
from eprep.questions.loader import bundled_bank_dir, env_bank_dirs, load_bank
from eprep.questions.models import (
    BLANK,
    Bank,
    BankSelectionError,
    Blank,
    Day,
    Formula,
    Mistake,
    Option,
    Question,
    Text,
    Tolerance,
    Topic,
)
from eprep.questions.variants import Variant, VariantError, format_number, substitute

__all__ = [
    "BLANK",
    "Bank",
    "BankError",
    "BankSelectionError",
    "Blank",
    "Day",
    "Formula",
    "Mistake",
    "Option",
    "Question",
    "Text",
    "Tolerance",
    "Topic",
    "Variant",
    "VariantError",
    "bundled_bank_dir",
    "env_bank_dirs",
    "format_number",
    "load_bank",
    "substitute",
]

"""Spellings the grammar reads as another name (GRAMMAR.md, "Names"); bank params may use either.

Its own module so that the parser reads it without importing the vocabulary (which parses
domain endpoints with the parser); `eprep.grammar.vocabulary` is where everyone else reads it.
"""

from __future__ import annotations

from collections.abc import Mapping

ALIASES: Mapping[str, str] = {"eps": "epsilon", "lam": "lambda"}

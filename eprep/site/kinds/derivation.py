"""derivation on the site: the target formula checked like an expression; steps in the key."""

from __future__ import annotations

from typing import Any

from eprep.site.kinds import register
from eprep.site.kinds.expression import Expression


class Derivation(Expression):
    name = "derivation"

    def proof_key(self, question: Any) -> str:
        return "verify_derivation"


register(Derivation())

"""derivation on the site: the target formula checked like an expression; steps in the key."""

from __future__ import annotations

from eprep.site.kinds import register
from eprep.site.kinds.expression import Expression


class Derivation(Expression):
    name = "derivation"


register(Derivation())

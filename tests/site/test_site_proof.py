"""Each question page says exactly which witnesses hold for it, as the checker reports them."""

from __future__ import annotations

import re

from eprep.checker.witnesses import proof_of
from eprep.site.collect import question_path


def proof_section(built_site, lang: str, question_id: str) -> str:
    html = (built_site / question_path(lang, question_id)).read_text()
    return re.search(r'<section class="proof">(.*?)</section>', html, re.S).group(1)


def test_identity_exact_and_engine_are_stated_per_question(built_site, bank):
    cases = {
        "day2.optimizers.sgd-step": ("Identity:", "Engine:"),
        "day2.cnn.output-height": ("Exact:", "Engine:"),
        "day2.cnn.im2col-code": ("Exact:", "Engine:"),
    }
    for qid, shown in cases.items():
        section = proof_section(built_site, "en", qid)
        expected = {"identity": "Identity:", "exact": "Exact:", "engine": "Engine:"}
        assert shown == tuple(expected[w] for w in proof_of(bank.get(qid)).witnesses)
        for word in ("Identity:", "Exact:", "Engine:"):
            assert (word in section) == (word in shown), (qid, word)
        assert "Sourced" not in section
    assert "恒等式" in proof_section(built_site, "ja", "day2.optimizers.sgd-step")


def test_concept_questions_are_sourced_not_proven(built_site):
    section = proof_section(built_site, "en", "day2.cnn.alexnet-features")
    assert "Sourced, not proven" in section and "Krizhevsky" in section
    assert not any(word in section for word in ("Identity:", "Exact:", "Engine:", "proven by"))
    assert "出典による" in proof_section(built_site, "ja", "day2.cnn.alexnet-features")

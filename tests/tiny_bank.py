"""The smallest question a user bank can hold, for tests that write banks of their own."""

from __future__ import annotations


def numeric_question(qid: str, extra: str = "") -> str:
    """A `[[question]]` table: numeric, key 2, probe "p", with `extra` TOML lines at its end."""
    return f"""
[[question]]
id = "{qid}"
kind = "numeric"
title.en = "Q"
title.ja = "Q"
prompt.en = "1 + 1?"
prompt.ja = "1 + 1 を求めよ。"
explanation.en = "E"
explanation.ja = "E"
difficulty = 1
tags = []
source = "test"
answer = "2"
probe = "p"
{extra}"""

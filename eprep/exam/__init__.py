"""The mock exam (`eprep exam`): a paper drawn across the syllabus areas by weight.

`paper` draws it, `sitting` keeps its answers in the progress database as they are given (go to,
answer, change, flag, the clock, resume, submit with lapses), `terminal` sits it line by line,
`report` scores it, `run` ties them together. Not yet: `--history`, the site's page.
"""

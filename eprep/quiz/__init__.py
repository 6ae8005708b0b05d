"""The terminal quiz: sessions, the SQLite progress store and FSRS scheduling.

Modules: `plan` (what to ask), `session` (the loop: ask, record), `report` (the summary),
`drill` (one whole `eprep quiz`), `kinds` (presenting each question kind), `store` (SQLite),
`scheduling` (ratings and FSRS), `render` / `texmath` (text and math for a terminal),
`terminal` (input and output with or without a TTY), `stats` (`eprep stats`, `eprep list`),
`paths` (where the database lives). Nothing here is imported by `eprep --help`.
"""

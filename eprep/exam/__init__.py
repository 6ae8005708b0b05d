"""The mock exam (`eprep exam`): a paper drawn across the syllabus areas by weight.

So far: drawing a paper (`eprep.exam.paper`), scoring it (`eprep.exam.report`) and keeping
its answers in the progress database as they are given (`eprep.exam.sitting`: go to, answer,
change, flag, overview, the clock, resume, submit with lapses); no command or site page yet.
"""

"""The mock exam (`eprep exam`): a paper drawn across the syllabus areas by weight.

So far: drawing a paper (`eprep.exam.paper`), scoring it (`eprep.exam.report`) and keeping
its answers in the progress database (`Store.start_exam`, ...); no command yet.
"""

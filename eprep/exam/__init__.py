"""The mock exam (`eprep exam`): a paper drawn across the syllabus areas by weight.

So far: drawing a paper (`eprep.exam.paper`) and scoring it (`eprep.exam.report`); no command yet.
"""

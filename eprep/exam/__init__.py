"""The mock exam (`eprep exam`): a paper drawn across the syllabus areas by weight.

Only the drawing of a paper exists so far (`eprep.exam.paper`); see issue 20 for the rest.
"""

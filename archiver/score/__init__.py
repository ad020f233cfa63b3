"""The self-assessment (自评表) of a scored assessment such as 附2.

``sheet`` writes the workbook the office fills in (``archiver score``); ``validate`` reads a
filled one back, reports every problem with its sheet and cell, and computes the scores from
the entered deductions; ``model`` holds the typed result the build binds and reports.
"""

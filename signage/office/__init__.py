"""The office's tools: spreadsheet import and template, statistics, findings reports,
rectification notices, assessment, the annual report, boards and LED previews straight from the
content folder.

May import: :mod:`signage.text`, :mod:`signage.catalogue`, :mod:`signage.contract`,
:mod:`signage.publishing`, :mod:`signage.requests` (the register, for the annual report and the
assessment) and ``players`` (the board typography, LED frames, print history).
"""

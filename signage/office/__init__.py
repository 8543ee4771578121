"""The office's tools: spreadsheet import and template, statistics, findings reports,
rectification notices, assessment, boards and LED previews straight from the content folder.

May import: :mod:`signage.text`, :mod:`signage.catalogue`, :mod:`signage.contract`,
:mod:`signage.publishing` and ``players`` (the board typography, LED frames, print history).
"""

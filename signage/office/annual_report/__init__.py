"""The annual report (政府信息公开工作年度报告) as files: the figures file read with located errors,
the report composed from the register and the catalogue, and its outputs — PDF in the boards'
typography, HTML for the web column, XLSX and CSV with the official rows and columns.

- ``figures``: ``content/annual/<year>.yaml`` (written sections, table 2, hand-typed table 3 cells);
- ``compose``: the report of one unit or of the county, from the register (``signage.requests``);
- ``sheets``, ``html``, ``pdf``: the outputs; ``write_report`` writes them all.
"""

"""The parts of ``signage assess`` (see :mod:`signage.office.assessment.scoring` and docs/ASSESSMENT.md).

- ``config``: the weights file (indicators, deductions, deadlines, vetoes), validated with lines;
- ``workdays``: working days per the official holiday calendar (chinese_calendar);
- ``sources``: what the publisher and the print stations recorded (state, logs, print history);
- ``storage``: stored assessments (trends, findings first seen, publication ledger);
- ``indicators``: one function per indicator and the vetoes;
- ``tables``, ``report_html``: the terminal table, CSV and the offline HTML report.
"""

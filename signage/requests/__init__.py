"""依申请公开: the register of disclosure requests, their statutory deadlines in working days, and the
annual report's tables (国办公开办函〔2021〕30号) with the tables' own sum rule.

The register lives in a small SQLite file of the data folder (``requests.sqlite3``), owned by this
package and used alike by the CLI, the console and the assessment (docs/REQUESTS.md says why).

May import: :mod:`signage.text` only (the working-day calendar, dates). The office renders the
report (PDF, HTML, XLSX/CSV); the console and the CLI read and write the register through
:mod:`signage.requests.store`.
"""

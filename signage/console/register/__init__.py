"""The console's 依申请公开 pages: the register per unit (register, answer, extend with its
approval record), review and litigation cases for table 4, the office's overdue and due-soon
lists, the reminder banner, and the annual report's downloads. The register itself is
:mod:`signage.requests` (one SQLite file the CLI shares); this app has no Django models."""

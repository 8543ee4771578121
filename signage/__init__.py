"""Disclosure signage (政务公开发布系统): the county's content checked, published and shown.

The packages, lowest first; each may import only those listed in its own docstring
(``tests/test_layout.py`` walks the imports and fails on one that runs the wrong way):

- :mod:`signage.text`: Chinese text shared by everything (numerals, dates, phones, line
  breaking, fonts);
- :mod:`signage.catalogue`: the content model, its YAML source, the rules and the checker;
- :mod:`signage.contract`: what the publisher and the players share on the wire (topics, wire
  format, keys, object store, the MQTT connection, the systemd notify protocol);
- ``players`` (beside this package): the runtime and its renderers, which import only the text
  and contract packages and the official vocabularies;
- :mod:`signage.publishing`: screens and layouts, plans, the publisher and its watch loop;
- :mod:`signage.fleet`: the brokers, their security and the fleet's status;
- :mod:`signage.office`: the office's tools (import, statistics, notices, assessment, boards);
- :mod:`signage.cli`: the ``signage`` command and the demo, on top of everything.
"""

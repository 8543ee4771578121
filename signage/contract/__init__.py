"""The contract the publisher and the players share: topics, wire format, keys, object store,
the MQTT connection and the systemd notify protocol every long-running process speaks.

Players import this package and :mod:`signage.text`, never the publisher; a change here is a
change to what is on the wire (see docs/ARCHITECTURE.md, "Wire format").

May import: :mod:`signage.text`.
"""

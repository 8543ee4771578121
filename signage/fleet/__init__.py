"""The fleet and its security: the embedded and production brokers, TLS, ACLs (dynamic security),
enrolment and revocation, and the fleet's status as the screens report it.

May import: :mod:`signage.text`, :mod:`signage.contract`.
"""

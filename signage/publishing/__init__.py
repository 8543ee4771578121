"""Publishing: screens and their layouts, the plan per screen, the publisher and its watch loop.

May import: :mod:`signage.text`, :mod:`signage.catalogue`, :mod:`signage.contract`, and from
``players`` the plan resolver and the LED layout parser (so a layout that publishes is a layout
the sign can parse, and previews resolve exactly as a player does).
"""

"""Diagrams every channel draws alike: the shape vocabulary in millimetres, an item's flowchart
laid out from its steps (boards, kiosk, web column), and that drawing written as SVG.

May import: signage.text only (players and the site both import this).
"""

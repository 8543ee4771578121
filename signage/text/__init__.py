"""Chinese text shared by every part: numerals, dates, working days (the national holiday calendar),
telephones, line breaking and fonts.

May import: nothing else of this project (everything imports this).
"""

"""Chinese text shared by every part: numerals, dates, telephones, line breaking and fonts.

May import: nothing else of this project (everything imports this).
"""

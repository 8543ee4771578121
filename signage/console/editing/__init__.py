"""Content editing: a unit's lists with findings inline, the power-item form, live check,
atomic round-trip saves with conflict detection, spreadsheet import and the template."""

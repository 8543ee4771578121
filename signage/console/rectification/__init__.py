"""整改意见书 tracking: the office issues a notice for a unit's findings (its PDF from
signage.office.rectification), with a deadline; a re-check runs the checker on the unit; closed."""

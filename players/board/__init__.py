"""Boards on paper: a unit's public notice board composed, written as PDF/PNG and printed."""

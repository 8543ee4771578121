"""The touch kiosk: citizens look up power items, notices and announcements in the lobby."""

"""Reusable widgets of the record pages: validated fields, a people table, a photo strip, a signature pad."""

"""Sync: signed, encrypted bundles of ops through a shared folder (or, later, a server). No Qt here."""

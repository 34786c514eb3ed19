"""The district sync server (`jiafang serve`): FastAPI over PostgreSQL or SQLite, scoped per school, with a
read-only dashboard. Imports FastAPI only in :mod:`sync.server.app`, so the desktop app never needs it."""

"""Django's SQLite backend, able to read a database whose folder has become read-only."""

"""Backups of the database and the uploaded files, their restore, and the nightly backups (see `services`)."""

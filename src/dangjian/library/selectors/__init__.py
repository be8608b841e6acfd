"""Reads of the library, one module per area: `materials` (visibility, access) and `reading`."""

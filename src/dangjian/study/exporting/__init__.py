"""Study documents built from the data already entered: Word and Excel files."""

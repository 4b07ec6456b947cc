"""Input formats. Each module turns rows of one format into validated records; `load` writes them."""

"""Reading a catalog: bounded file reads and atomic writes, safe YAML loading, problems with
file and line, the folder walk, the SQLite index of stored views, entries and the catalog."""

"""One module per file format, reader and writer side by side. No Qt."""

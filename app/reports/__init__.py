"""Reports a lead can mail: the agreement report as one self-contained HTML file. No Qt."""

"""Suggestions and normalized values: recognizers for counts, dates and known names. No Qt."""

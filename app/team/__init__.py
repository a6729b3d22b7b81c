"""Team workflow: work packages out to annotators, their projects merged back. No Qt."""

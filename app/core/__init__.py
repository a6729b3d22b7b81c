"""Application services over storage: import, export, project set-up. No Qt."""

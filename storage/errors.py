"""Typed errors the storage layer raises; callers show their message as is."""


class ProjectError(Exception):
    """Anything wrong with a project file; the message is meant for the user."""


class NotAProjectError(ProjectError):
    """The file exists but is not a Tawsim project (or is damaged)."""


class NewerProjectError(ProjectError):
    """The project was written by a newer Tawsim; opening it could damage it."""


class ProjectLockedError(ProjectError):
    """Another writer holds the project."""

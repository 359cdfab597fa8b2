"""Domain errors: what a rule refuses, in words a user can act on.

Views and commands map them to a message (and an HTTP status where it matters); services raise
them and never commit.
"""


class DomainError(Exception):
    """A business rule refused the change; `str(error)` is the translated message."""

    status_code = 400


class NotFoundError(DomainError):
    """The record does not exist for this user (out of their scope counts as not existing)."""

    status_code = 404


class PermissionDeniedError(DomainError):
    status_code = 403


class ConflictError(DomainError):
    """Someone else changed the record first (optimistic locking) or it moved on meanwhile."""

    status_code = 409


class InvalidTransitionError(ConflictError):
    """The workflow does not allow this move from the record's current status."""


class IncompleteRecordError(DomainError):
    """The record lacks what a submission needs; `missing` lists it."""

    def __init__(self, message, missing):
        super().__init__(message)
        self.missing = list(missing)

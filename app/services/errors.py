"""Domain errors: what a rule refuses, in words a user can act on.

Services raise them and never commit. How each kind is answered (the HTTP status of a JSON or
download endpoint, the flash category of a page) is the one table `RESPONSES` below, read by
`app.views.transaction.one_transaction` and nowhere else.
"""


class DomainError(Exception):
    """A business rule refused the change; `str(error)` is the translated message."""


class NotFoundError(DomainError):
    """The record does not exist for this user (out of their scope counts as not existing)."""


class PermissionDeniedError(DomainError):
    """The user's role or department may not do this."""


class ConflictError(DomainError):
    """Someone else changed the record first (optimistic locking) or it moved on meanwhile."""


class InvalidTransitionError(ConflictError):
    """The workflow does not allow this move from the record's current status."""


class DuplicateTaskError(ConflictError):
    """A rectification task for the same source record and kind exists; `task` is that task."""

    def __init__(self, message, task):
        super().__init__(message)
        self.task = task


class IncompleteRecordError(DomainError):
    """The record lacks what a submission needs; `missing` lists it."""

    def __init__(self, message, missing):
        super().__init__(message)
        self.missing = list(missing)


class SignatureRefusedError(DomainError):
    """The signer's password was not confirmed, so nothing was signed."""


class ServiceUnavailableError(DomainError):
    """A service the change needs (the unified identity directory, to check a signature's
    password) could not be reached; nothing was changed."""


class PasswordRejected(DomainError):
    """A new local password breaks the policy (length, classes, reuse) or the current one
    was not confirmed; nothing was changed."""


class LoginRefused(DomainError):
    """The login did not succeed; `reason` is the audited cause, the message what users see.
    `challenge` is true when the next attempt of this name from this address must answer the
    image challenge."""

    def __init__(self, message, reason, challenge=False):
        super().__init__(message)
        self.reason = reason
        self.challenge = challenge


class DirectoryDown(LoginRefused):
    """The unified identity directory could not be reached."""


class LoginDelayed(LoginRefused):
    """Too soon after the last failure of this name from this address: wait and try again."""


class SecondFactorNeeded(LoginRefused):
    """The password was right; the account must now pass its second factor (`user_id`)."""

    def __init__(self, message, reason, user_id):
        super().__init__(message, reason)
        self.user_id = user_id


# The one answer to each kind of refusal: (HTTP status, flash category). A class not listed
# takes the entry of its nearest listed base class.
RESPONSES: dict[type[DomainError], tuple[int, str]] = {
    DomainError: (400, "danger"),
    NotFoundError: (404, "danger"),
    PermissionDeniedError: (403, "danger"),
    ConflictError: (409, "danger"),
    DuplicateTaskError: (409, "warning"),
    SignatureRefusedError: (403, "danger"),
    ServiceUnavailableError: (503, "danger"),
    LoginRefused: (401, "danger"),
    DirectoryDown: (503, "danger"),
    LoginDelayed: (429, "warning"),
    SecondFactorNeeded: (401, "warning"),
}


def response_for(error: DomainError) -> tuple[int, str]:
    """(HTTP status, flash category) of `error`, from `RESPONSES`."""
    for cls in type(error).__mro__:
        if cls in RESPONSES:
            return RESPONSES[cls]
    raise TypeError(f"{type(error).__name__} is not a DomainError")

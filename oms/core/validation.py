"""Model validation as a domain refusal: services validate the rows they save (full_clean),
whoever calls them (the API, the admin, an import), and refuse with the fields' messages."""

from django.core.exceptions import ValidationError

from .errors import DomainError


class InvalidRow(DomainError):
    """422 with `details["errors"]`: {field: [messages]}."""

    def __init__(self, code, label: str, error: ValidationError):
        errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        summary = "; ".join(
            f"{field}: {' '.join(messages)}" if field != "__all__" else " ".join(messages)
            for field, messages in errors.items()
        )
        super().__init__(code, f"{label} is not valid: {summary}", details={"errors": errors})
        self.validation_error = error


def full_clean(row, *, code, label: str, exclude=None) -> None:
    """`row.full_clean()`, refused as InvalidRow."""
    try:
        row.full_clean(exclude=exclude)
    except ValidationError as error:
        raise InvalidRow(code, label, error) from error

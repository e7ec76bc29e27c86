"""Exceptions the forecasting engine raises for bad input.

Each carries an English source message (translated through Django's catalogues) and,
where it applies, the 1-based CSV row and the field at fault, so an import screen or
a command can point at the exact cell.
"""


class ForecastInputError(ValueError):
    """Input the engine cannot work with; the message says what and where."""

    def __init__(self, message: str, *, row: int | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.row = row
        self.field = field

    def as_dict(self) -> dict:
        return {"message": self.message, "row": self.row, "field": self.field}


class CountsFileError(ForecastInputError):
    """A counts CSV that is malformed; nothing of it has been imported."""


class CalendarUnavailableError(ForecastInputError):
    """No public-holiday data for the requested country or years."""


class EvaluationWindowError(ForecastInputError):
    """A cutoff or horizon that leaves no training data or no test data."""

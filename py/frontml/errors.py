"""Errors frontml raises: each names what went wrong and with which model/tensor/input."""


class FrontmlError(Exception):
    """Base class for frontml errors."""


class ModelError(FrontmlError):
    """A model could not be found, fetched, verified or loaded."""


class ModelIntegrityError(ModelError):
    """A model file's sha256 differs from the manifest."""

    def __init__(self, model_id: str, expected: str, actual: str, file: str = "") -> None:
        where = f" ({file})" if file else ""
        super().__init__(
            f"model {model_id!r} failed its integrity check{where}: expected sha256 {expected}, "
            f"got {actual}: the file is stale or corrupt; rebuild it with "
            f"`./dev build {model_id}`"
        )
        self.model_id = model_id
        self.expected = expected
        self.actual = actual
        self.file = file


class TensorError(FrontmlError):
    """A feed does not match the model's inputs (name, dtype or shape)."""


class InputError(FrontmlError):
    """Bad user input: an unreadable image, an empty frame, a wrong file type."""

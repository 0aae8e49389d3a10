"""Errors of the learning module: each says what is wrong and what to do about it."""

from frontml.errors import FrontmlError


class LearnError(FrontmlError):
    """Base class for frontml.learn errors."""


class NoExamplesError(LearnError):
    """predict()/evaluate() before there is anything to learn from."""


class BackboneMismatchError(LearnError):
    """Examples were made with a different embedding model than the one in use.

    Vectors from two backbones live in unrelated spaces: mixing them would mispredict
    silently, so it is always an error."""


class LearnFileError(LearnError):
    """A classifier file that cannot be read (the classifier keeps what it had)."""


class DimensionError(LearnError, ValueError):
    """A vector whose length differs from the classifier's dimension."""

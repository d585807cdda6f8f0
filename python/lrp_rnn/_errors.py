"""The exceptions of lrp_rnn: one class per status of the C library (``lrp_status``).

Every error the library reports is raised as the subclass of :class:`Error` for its
status, with the library's message, which names the first problem found. Each class
also derives from the built-in exception a Python program would catch for it
(``except ValueError`` catches bad input, ``except OSError`` a missing file,
``except ArithmeticError`` a result that overflowed).
Wrong Python types raise the built-in :class:`TypeError`.
"""

__all__ = ["Error", "FileError", "FormatError", "InputError", "ArgumentError", "OutOfMemoryError",
           "NumericError"]


class Error(Exception):
    """Base class of every error the lrp library reports; ``str(e)`` is its message."""

    #: short name of the library's status
    status = "error"


class FileError(Error, OSError):
    """A file could not be opened, read or written (``LRP_ERR_IO``)."""

    status = "io"


class FormatError(Error, ValueError):
    """A model file or state_dict is malformed, truncated or inconsistent (``LRP_ERR_FORMAT``)."""

    status = "format"


class InputError(Error, ValueError):
    """Bad input: an empty sentence, invalid text, an unknown word without an unknown
    word in the model, a word id outside the vocabulary (``LRP_ERR_INPUT``)."""

    status = "input"


class ArgumentError(Error, ValueError):
    """A bad option: an unknown method or precision, a target the model does not have,
    eps <= 0, threads < 0, a module path for a file that is no state_dict
    (``LRP_ERR_ARGUMENT``)."""

    status = "argument"


class OutOfMemoryError(Error, MemoryError):
    """Out of memory, or a size that would overflow (``LRP_ERR_NOMEM``)."""

    status = "nomem"


class NumericError(Error, ArithmeticError):
    """A result is not finite: a score, probability or relevance of a sentence
    overflowed to Inf or NaN (``LRP_ERR_NUMERIC``). Extreme weights or inputs cause it,
    float32 sooner than float64 (its range ends near 3.4e38): explaining the sentence
    again with ``precision="float64"`` may succeed. In a call on several sentences the
    message names the first such sentence (``sentence 3: ...``) and the call gives no
    results: explain the others apart to keep theirs."""

    status = "numeric"

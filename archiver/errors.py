"""Exit codes and the errors that carry them.

Every error raised by the core carries an exit code and a Chinese message that says what to
do. The CLI boundary prints the message (no traceback unless ``-v``) and exits with the code.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1  # check found errors; verify found differences
    USAGE = 2  # wrong command line or workspace settings
    MANIFEST_INVALID = 3  # the manifest cannot be read or does not validate
    INPUT_ERROR = 4  # an input file cannot be read
    MISSING_PROGRAM = 5  # an external program (LibreOffice …) is not installed
    OUTPUT_ERROR = 6  # output cannot be written
    LOCKED = 7  # another build holds the workspace lock
    EXTERNAL_FAILED = 8  # an external program failed or timed out


class ArchiverError(Exception):
    """Base class: an expected failure with a message for the user."""

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str, *, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class ManifestError(ArchiverError):
    exit_code = ExitCode.MANIFEST_INVALID


class InputFileError(ArchiverError):
    exit_code = ExitCode.INPUT_ERROR


class MissingProgramError(ArchiverError):
    exit_code = ExitCode.MISSING_PROGRAM


class ExternalProgramError(ArchiverError):
    exit_code = ExitCode.EXTERNAL_FAILED


class ProgramTimeoutError(ExternalProgramError):
    pass


class OutputError(ArchiverError):
    exit_code = ExitCode.OUTPUT_ERROR


def technical(exc: BaseException, where: object) -> None:
    """Log what a library raised (its class and text, in English) for ``-v``; the message a
    person reads says in Chinese what is wrong and what to do, without it."""
    import logging

    logging.getLogger("archiver").info("%s: %s: %s", where, type(exc).__name__, exc)

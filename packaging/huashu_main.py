"""Entry script of the frozen app (PyInstaller): the same `huashu` command as the installed console script."""

import os
import sys

# A windowed build (Windows, console=False) starts with no stdout/stderr: every error message and
# the exception hook would raise AttributeError instead of reaching the user.
for _name in ("stdout", "stderr"):
    if getattr(sys, _name) is None:
        setattr(sys, _name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115

from huashu.cli import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())

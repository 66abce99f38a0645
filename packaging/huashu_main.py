"""Entry script of the frozen app (PyInstaller): the same `huashu` command as the installed console script."""

from huashu.cli import main

if __name__ == "__main__":
    raise SystemExit(main())

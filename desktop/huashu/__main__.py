"""`python -m huashu`: the same as the `huashu` command."""

import sys

from huashu.cli import main

if __name__ == "__main__":
    sys.exit(main())

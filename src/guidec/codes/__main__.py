"""``python -m guidec.codes --snapshot``: print the code snapshot (``tests/codes.snapshot``)."""

import sys

from guidec.codes import snapshot

if __name__ == "__main__":
    if sys.argv[1:] != ["--snapshot"]:
        sys.exit("usage: python -m guidec.codes --snapshot > tests/codes.snapshot")
    sys.stdout.write(snapshot())

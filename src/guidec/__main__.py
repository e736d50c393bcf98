"""``python -m guidec``: the command line, as the ``guidec`` script."""

from guidec.cli import main

if __name__ == "__main__":
    main()

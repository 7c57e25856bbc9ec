"""`python -m jwflint` runs the command line."""

from jwflint.cli import console_main

if __name__ == "__main__":
    console_main()

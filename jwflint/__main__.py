"""`python -m jwflint` runs the command line."""

from jwflint.cli import main

if __name__ == "__main__":
    main()

"""Command bodies that are more than a few lines; jwflint.cli parses options and calls them."""

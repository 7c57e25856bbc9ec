"""jwflint: lint, patch and draw exported Jira workflows."""

__version__ = "0.2.0"

"""Talking to a Jira site: credentials from the environment, a read-only client, `pull` and `push`.

The HTTP library is imported only when a command in here runs, so `jwflint lint` never pays for it.
"""

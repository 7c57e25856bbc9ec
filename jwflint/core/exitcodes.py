"""Exit codes: a contract with users' scripts and hooks."""

OK = 0  # nothing at or above --fail-on
FINDINGS = 1  # findings at or above --fail-on
USAGE = 2  # usage or config error, or an input that could not be linted
INTERNAL = 3  # a bug in jwflint

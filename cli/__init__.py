"""The ``ledger`` command line: a thin typer app over the ``ledger`` package."""

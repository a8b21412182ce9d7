"""`python -m commontable`: the command line, as the `commontable` script runs it."""

from commontable.cli import main

main()

"""`python -m openness`: the same as the `openness` command."""
from openness.cli import main

main()

"""`python -m service …` is the same as the `fenliu` command."""
from service.cli import main

main()

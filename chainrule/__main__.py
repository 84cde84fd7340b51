"""``python -m chainrule`` runs the command line."""

from chainrule.cli import main

main(prog_name="chainrule")

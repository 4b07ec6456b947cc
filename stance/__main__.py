from stance.cli import cli

cli(prog_name="python -m stance")

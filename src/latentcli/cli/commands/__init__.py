"""The commands, one module per family (`cli.grammar.COMMAND_MODULES` says which), each imported
only when one of its commands runs. A module declares its commands (`cli.grammar.Command`) and
the Typer-free functions that run them: each parses what is left of its arguments, asks the
`Model` one question and renders the answer.
"""

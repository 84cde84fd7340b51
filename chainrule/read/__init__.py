"""The read layer: text → ``model.Program`` of ``model.Term`` trees.

``notation`` holds the name tables, the limits and the notation summary (no sympy: the CLI's
``--help`` shows it); ``lexer`` and ``latex_lexer`` make tokens; ``expression`` parses one
statement's tokens; ``program`` splits statements and is the entry point, ``parse``.
"""

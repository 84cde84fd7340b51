"""The read layer: text → ``model.Program`` of ``model.Term`` trees.

``notation`` holds the name tables, the limits and the notation summary (no sympy: the CLI's
``--help`` shows it); ``lexer`` and ``latex_lexer`` make tokens; ``traps`` splits glued names
(``sinx``) and notes every reading a learner could take another way; ``statements`` finds the
statements and the versions of a reassigned name; ``expression`` parses one statement's tokens;
``program`` is the entry point, ``parse``.
"""

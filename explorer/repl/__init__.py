"""The interactive shell: the only layer that imports prompt_toolkit (in its modules, not here).

COMMANDS are the meta commands it adds to the shell (explorer.cli registers them): outside the
REPL they only say that they work at the prompt; the REPL runs them itself.
"""

COMMANDS = {
    "edit": "explorer.repl.replcmds:edit_outside",
    "refresh": "explorer.repl.replcmds:refresh_outside",
}

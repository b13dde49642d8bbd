"""The shell: the session (state and `execute`, behind the REPL, -c, -f and tests), the meta-command
dispatcher with the shell's own commands, help, and dry runs."""

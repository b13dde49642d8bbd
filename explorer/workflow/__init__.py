"""Work on whole scripts: replay, recording and `save`, export to sh, curl import. Replay feeds
lines to the session's `execute`, so this layer sits above the shell."""

# The meta commands this layer adds to the shell (explorer.cli registers them; see explorer.shell.dispatch).
COMMANDS = {
    "save": "explorer.workflow.recording:save_command",
    "run": "explorer.workflow.replay:run_command",
    "export": "explorer.workflow.export:export_command",
    "import": "explorer.workflow.curlimport:import_command",
}

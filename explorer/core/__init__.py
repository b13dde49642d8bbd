"""The bottom layer: errors, outcomes, settings, the console, cache and data files, and the
Protocols through which lower layers name objects of higher ones. Imports nothing of explorer above it."""

"""engine-explorer: explore the Docker Engine API like a database shell."""

__version__ = "0.1.0"

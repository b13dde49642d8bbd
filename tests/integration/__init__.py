"""Integration tests against the real engine; a package, so module names may repeat those of unit tests."""

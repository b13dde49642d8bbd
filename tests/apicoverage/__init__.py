"""API coverage measured on real engines: the recording at the transport, the `proven` fixture, the
per-tag table and its gate. tests/conftest.py loads `apicoverage.plugin`; see DEVELOPERS.md."""

"""Requests: the model and how a parsed line becomes one (checked against the spec it is given),
the curl command line for it, and the transport (the only pycurl importer)."""

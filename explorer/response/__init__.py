"""Responses: their kinds, where a body goes (sinks, redirect destinations), Docker's stream
framing, and delivery, which takes a response from its headers to its last byte."""

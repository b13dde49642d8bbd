"""The command language: splitting a line into words, typed commands and items, `{{NAME}}` slots,
body items, JSON paths and variables, expectations, redirects. Pure: no I/O, no spec."""

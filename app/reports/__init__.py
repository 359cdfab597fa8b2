"""Reports drawn or written on the server: rows in, bytes out (no request, no session)."""

"""One module per endpoint: request validation, the call into the domain, the answer."""

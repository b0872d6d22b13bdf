"""The models: pure functions over validated numbers, no I/O and no HTTP."""

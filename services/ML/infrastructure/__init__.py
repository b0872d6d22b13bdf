"""What talks to the outside: the Dapr sidecar."""

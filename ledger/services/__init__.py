"""What the CLI calls: whole jobs over stores (copy), built on the store contract."""

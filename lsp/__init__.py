"""goperf lsp."""

"""goperf analyzer."""

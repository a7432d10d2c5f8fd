"""The web app keeps no tables of its own.

The module exists because Django sends `post_migrate` only to apps with a models module, and
the web app's hook creates the shared cache table on `migrate`.
"""

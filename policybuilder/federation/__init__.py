"""Sector federations: write, publish, export and import templates; see how members use them."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the federation blueprint and its commands (added with the editor pages)."""

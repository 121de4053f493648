"""Accounts: registration, sign-in, passwords, profile and privacy."""

from flask import Blueprint

bp = Blueprint("accounts", __name__, url_prefix="/<lang:lang>")

from . import views  # noqa: E402,F401

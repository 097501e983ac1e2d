"""Shared set-up for the Discord tests."""

import warnings

# discord.py imports the standard `audioop` module (voice support), deprecated since Python 3.11;
# the suite turns warnings into errors, so import discord once here with that one warning silenced.
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="'audioop' is deprecated", category=DeprecationWarning)
    import discord  # noqa: F401

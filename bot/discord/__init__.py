"""The Discord front end: `front` (start-up, `racebot discord`), `client` (the discord.py
bot: messages, slash commands, buttons), `render` (replies as Discord messages).

Only this package imports discord.py.
"""

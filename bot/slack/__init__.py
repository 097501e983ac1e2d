"""The Slack front end: `front` (start-up, `racebot slack`, HTTP or Socket Mode), `app`
(the Bolt app: mentions, DMs, slash commands, buttons), `render` (replies as Block Kit).

Only this package imports slack_bolt and slack_sdk.
"""

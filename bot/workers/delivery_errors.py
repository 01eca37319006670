"""What a sender injected into a worker raises when a message can never be delivered."""


class DMRefused(Exception):
    """Discord refused the DM (closed DMs, code 50007). Not worth retrying."""


class Undeliverable(Exception):
    """The target is gone or the bot may not post there (403/404). Not worth retrying."""

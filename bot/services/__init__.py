"""Domain rules. Plain Python values in and out; nothing here imports discord."""

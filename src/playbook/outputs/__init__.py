"""Non-HTML outputs: the JSON export, calendars, feeds."""

"""The icons the interface uses, by their Tabler Icons name.

Only these are in the sprite (``edge/static/edge/icons.svg``), so a page loads one small file for
all of them. To use another icon, add its name here and rebuild the sprite with
``scripts/build_icons.py`` (see docs/interface.md); ``tests/test_interface.py`` fails when a
template asks for an icon that is not in the sprite.
"""

ICONS = (
    # navigation
    "home", "sitemap", "users", "user", "list-check", "calendar-event", "book", "notebook",
    "books", "bell", "heart-handshake", "shield-check", "heart", "message-circle",
    "message-report", "alert-triangle", "checklist", "award", "clock-hour-4", "file-upload",
    "key", "history", "activity", "menu-2", "lock", "logout", "flag",
    # components
    "check", "x", "chevron-right", "chevron-left", "search", "download", "printer", "plus",
    "alert-circle", "info-circle", "circle-check", "inbox", "qrcode", "calendar", "clock",
    "user-check", "file-text", "player-play", "arrow-right", "pencil", "trash",
    "chart-bar", "chart-pie", "chart-line", "filter", "selector", "checks", "arrow-left",
    "progress-check", "hourglass", "calendar-check", "calendar-time", "user-x", "user-plus",
    "file-export", "table", "layout-grid", "eye", "eye-off", "mail", "speakerphone", "school",
    "bulb", "mood-empty", "circle-dot", "thumb-up", "refresh", "external-link", "dots",
)  # fmt: skip

"""The `dangjian` command: Django's management commands, with `demo` and `serve` among them."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.config.settings")
    from django.core.management import execute_from_command_line

    from dangjian.core.datadir import DataDirError

    try:
        execute_from_command_line(["dangjian", *sys.argv[1:]])
    except DataDirError as exc:  # the settings could not prepare the data folder: say why, no traceback
        sys.exit(f"dangjian: {exc}")


if __name__ == "__main__":
    main()

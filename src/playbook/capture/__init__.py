"""Capture: `log`, `new`, `done` and `init`, the only code that writes into a playbook.

- `files`: safe writes (atomic, never overwriting, never outside the root);
- `yamlemit`: values written as YAML that reads back exactly;
- `customers`: which customer a command names;
- `log`, `done`, `scaffold` (`new` and `init`): the commands.

Every write is made safe the same way (see `files`), and what is about to be written is
first parsed with the project's own loader, so a file written here always loads back with
the values it was given. Nothing here reads the clock or the environment: `today`, the
author and the editor are passed in by the command line.
"""

from __future__ import annotations

from .customers import CustomerRef, fold, list_customers, match_customer
from .done import Item, Ticked, done, listing, open_items, pick, tick, tick_bytes
from .errors import CaptureError, InvalidArgument
from .files import Written, create_file, create_numbered
from .log import Edited, Logged, edit_new, editor_command, interaction_text, log
from .scaffold import INIT_FILES, REQUIREMENTS, SAMPLE_PREFIX, Initialised, init, new_customer
from .yamlemit import yaml_value

__all__ = [
    "CaptureError", "CustomerRef", "Edited", "Item", "Logged", "INIT_FILES", "Initialised", "InvalidArgument", "REQUIREMENTS",
    "SAMPLE_PREFIX",
    "Ticked", "Written", "create_file", "create_numbered", "done", "edit_new", "editor_command", "listing", "open_items", "pick", "tick",
    "fold", "init", "interaction_text", "list_customers", "log", "match_customer", "new_customer",
    "tick_bytes", "yaml_value",
]

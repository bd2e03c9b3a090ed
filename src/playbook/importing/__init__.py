"""`playbook import`: customers, contacts, owners and history from an old CRM's CSV exports.

- `csvfile`: an export read whatever its encoding and delimiter, each record with its line;
- `sources`: the columns HubSpot, Salesforce and Pipedrive exports have, and which kind a file is;
- `mapping`: `--map FILE`, the columns of any other CSV;
- `values`, `rows`: cells as dates, text and ids; a row as a company, a person or a touch;
- `existing`: what the playbook holds already (read once);
- `owners`: a CRM owner as a team handle;
- `plan`: what is new, what is there, what is refused;
- `output`: the texts, each read back with the loader before it is written;
- `run`: the command, writing through capture's safe writes (never overwriting).
"""

from __future__ import annotations

from .run import ImportRefused, Report, run_import

__all__ = ["ImportRefused", "Report", "run_import"]

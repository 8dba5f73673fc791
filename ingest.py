"""Build or update the index: `python ingest.py [PATH ...] [--fetch] [--mirror DIR] [--follow-links]`.

`--follow-links` follows symbolic links out of a corpus folder (the same as
`ASSISTANT_FOLLOW_LINKS=true`); without it they are reported and left out.
"""

import sys

from assistant.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["ingest", *sys.argv[1:]]))

"""Build or update the index: `python ingest.py [PATH ...] [--fetch] [--mirror DIR] [--follow-links]`.

`--follow-links` follows symbolic links out of a corpus folder (the same as
`ASSISTANT_FOLLOW_LINKS=true`); without it they are reported and left out.
"""

import os
import sys

from assistant.cli import main

if __name__ == "__main__":
    args = sys.argv[1:]
    if "--follow-links" in args:
        args = [a for a in args if a != "--follow-links"]
        os.environ["ASSISTANT_FOLLOW_LINKS"] = "true"
    raise SystemExit(main(["ingest", *args]))

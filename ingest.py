"""Build or update the index: `python ingest.py [PATH ...] [--fetch] [--mirror DIR]`."""

import sys

from assistant.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["ingest", *sys.argv[1:]]))

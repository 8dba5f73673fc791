"""User-facing errors: each names the file or setting at fault."""


class AssistantError(Exception):
    """Base class for errors shown to users as a one-line message."""


class ConfigError(AssistantError):
    """A setting has an invalid value."""


class DocumentError(AssistantError):
    """A document could not be read or parsed."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class SourceError(AssistantError):
    """A pinned source could not be fetched or failed verification."""


class IndexMissingError(AssistantError):
    """The index has not been built yet."""


class IndexBrokenError(AssistantError):
    """The index exists but cannot be opened (a damaged or unreadable store, a server down)."""


class IngestBusyError(AssistantError):
    """Another ingestion is running on the same data folder."""

"""Errors whose Chinese message (the command line's) is also told by a stable code, for other UI languages."""

from __future__ import annotations

from collections.abc import Mapping

# Joins a list-valued detail (columns, rows, words) so a UI can split it and list the items its
# own way; the Chinese message joins them with "、" itself.
LIST_SEPARATOR = "\x1f"


def detail_text(value: object) -> str:
    """A detail as the message shows it; a list or tuple joined by LIST_SEPARATOR."""
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(str(item) for item in value)
    return str(value)


class CodedError(Exception):
    """An error whose message (Chinese, for the command line) is also told by a stable `code`.

    A UI in another language words the error itself from `code` and the values in `details`
    (as it does for placeholders.PlaceholderIssue); str() stays the Chinese message. Errors raised
    without a code (older call sites) have `code` None and empty `details`. The library's, the
    sheets', the schema's and the packs' errors all derive from it.
    """

    def __init__(
        self, *args: object, code: str | None = None, details: Mapping[str, object] | None = None
    ) -> None:
        super().__init__(*args)
        self.code = code
        # Strings, as the message shows them, so a UI can put them into its own wording as they are.
        self.details: dict[str, str] = {key: detail_text(value) for key, value in (details or {}).items()}

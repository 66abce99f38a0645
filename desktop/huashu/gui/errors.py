"""Library errors worded in the UI's language from their codes (the library words them in Chinese)."""

from __future__ import annotations

from huashu.gui.i18n import QT_TRANSLATE_NOOP
from huashu.gui.qt import QCoreApplication
from huashu.storage.library import CodedError

# Errors whose Chinese message ends with " (<library path>)" when the library has one.
_PATH_SUFFIXED = frozenset({"busy", "disk_full", "read_only", "unavailable"})


# code -> (English source of its wording in the UI's language, the `details` keys it names as {0}, {1}…).
# Marked for lupdate here and translated where shown, so the language switched to last is the one used.
_ERROR_WORDINGS: dict[str, tuple[str, tuple[str, ...]]] = {
    # Phrases.
    "title_empty": (QT_TRANSLATE_NOOP("errors", "The title cannot be empty."), ()),
    "text_empty": (QT_TRANSLATE_NOOP("errors", "The text cannot be empty."), ()),
    "nul_character": (QT_TRANSLATE_NOOP("errors", "The text contains an invalid character (NUL)."), ()),
    "unpaired_surrogate": (
        QT_TRANSLATE_NOOP(
            "errors",
            "The text contains invalid characters (unpaired surrogates) and was not saved;"
            " please type or paste it again."
        ),
        (),
    ),
    "placeholder": (
        QT_TRANSLATE_NOOP("errors", "Placeholder error (character {0}): {1}"),
        ("position", "problem"),
    ),
    "shortcut_invalid": (
        QT_TRANSLATE_NOOP(
            "errors",
            "The shortcut “{0}” cannot be used: a shortcut is “/” followed by letters,"
            " digits, Chinese characters or - _ . (e.g. /tk), without spaces and at most {1}"
            " characters long."
        ),
        ("shortcut", "limit"),
    ),
    "shortcut_taken": (
        QT_TRANSLATE_NOOP("errors", "The shortcut {0} is already used by “{1}”."),
        ("shortcut", "title"),
    ),
    "team_phrase_read_only_edit": (
        QT_TRANSLATE_NOOP(
            "errors", "This phrase comes from a team pack and is read-only; copy it to your phrases to change it."
        ),
        (),
    ),
    "team_phrase_read_only_move": (
        QT_TRANSLATE_NOOP(
            "errors", "This phrase comes from a team pack and is read-only; copy it to your phrases to move it."
        ),
        (),
    ),
    "team_phrase_read_only_delete": (
        QT_TRANSLATE_NOOP("errors", "This phrase comes from a team pack and is read-only; it cannot be deleted."),
        (),
    ),
    "phrase_not_found": (
        QT_TRANSLATE_NOOP("errors", "Phrase {0} no longer exists (it may have been deleted)."),
        ("id",),
    ),
    # Categories.
    "category_empty": (QT_TRANSLATE_NOOP("errors", "The category cannot be empty."), ()),
    "category_name_invalid": (
        QT_TRANSLATE_NOOP("errors", "A category name cannot be empty or contain “/”."),
        (),
    ),
    "category_exists": (
        QT_TRANSLATE_NOOP("errors", "There is already a category named “{0}” at this level."),
        ("name",),
    ),
    "category_into_own_child": (
        QT_TRANSLATE_NOOP("errors", "A category cannot be moved into one of its own subcategories."),
        (),
    ),
    "category_exists_at_target": (
        QT_TRANSLATE_NOOP("errors", "There is already a category named “{0}” where it was moved to."),
        ("name",),
    ),
    "category_not_empty": (
        QT_TRANSLATE_NOOP(
            "errors", "The category still holds {0} phrase(s): move them out first, or delete them with it."
        ),
        ("count",),
    ),
    "category_not_found": (
        QT_TRANSLATE_NOOP("errors", "Category {0} no longer exists (it may have been deleted)."),
        ("id",),
    ),
    # Profile and rules.
    "profile_key_invalid": (QT_TRANSLATE_NOOP("errors", "Invalid profile entry name: {0}"), ("key",)),
    "rule_without_patterns": (QT_TRANSLATE_NOOP("errors", "Rule {0} has no words to match."), ("uid",)),
    "rule_needs_pattern": (QT_TRANSLATE_NOOP("errors", "A rule needs at least one word to match."), ()),
    "rule_uid_taken": (QT_TRANSLATE_NOOP("errors", "The rule number {0} is used twice."), ("uid",)),
    "rule_not_found": (
        QT_TRANSLATE_NOOP("errors", "Rule {0} no longer exists (it may have been deleted)."),
        ("uid",),
    ),
    # The library file.
    "file_missing": (QT_TRANSLATE_NOOP("errors", "The phrase library file does not exist: {0}"), ("path",)),
    "folder_missing": (
        QT_TRANSLATE_NOOP(
            "errors",
            "The phrase library's folder does not exist (a network drive or USB stick may not"
            " be connected): {0}. Connect it and open the library again, or run huashu init"
            " to create a new library there."
        ),
        ("path",),
    ),
    "file_unreadable": (
        QT_TRANSLATE_NOOP("errors", "The phrase library file {0} could not be read: {1}"),
        ("path", "reason"),
    ),
    "not_a_library": (
        QT_TRANSLATE_NOOP("errors", "This is not a phrase library file (wrong format, or damaged): {0}"),
        ("path",),
    ),
    "file_cannot_open": (
        QT_TRANSLATE_NOOP("errors", "The phrase library file {0} could not be opened: {1}"),
        ("path", "reason"),
    ),
    "damaged": (
        QT_TRANSLATE_NOOP("errors", "The phrase library file is damaged: {0} ({1})"),
        ("path", "reason"),
    ),
    "damaged_or_unusable": (
        QT_TRANSLATE_NOOP("errors", "The phrase library file is damaged or cannot be used: {0}"),
        ("reason",),
    ),
    "file_gone": (
        QT_TRANSLATE_NOOP(
            "errors",
            "The phrase library file cannot be found (its folder may have been moved, or a"
            " network drive disconnected); this change was not saved. You can keep searching"
            " and copying; restore the file and open it again ({0}: {1})"
        ),
        ("path", "reason"),
    ),
    "file_replaced": (
        QT_TRANSLATE_NOOP(
            "errors",
            "The phrase library file was replaced or moved; this change was not saved. Please"
            " open Huashu again ({0})"
        ),
        ("path",),
    ),
    "folder_cannot_create": (
        QT_TRANSLATE_NOOP("errors", "The phrase library folder {0} could not be created: {1}"),
        ("path", "reason"),
    ),
    "file_cannot_create": (
        QT_TRANSLATE_NOOP("errors", "The phrase library file {0} could not be created: {1}"),
        ("path", "reason"),
    ),
    "read_only": (
        QT_TRANSLATE_NOOP(
            "errors",
            "The phrase library file is read-only, so changes cannot be saved (you can keep"
            " searching and copying)"
        ),
        (),
    ),
    "read_only_needs_upgrade": (
        QT_TRANSLATE_NOOP(
            "errors",
            "The phrase library file is read-only and its database needs an upgrade; copy it"
            " to a writable place and open it again."
        ),
        (),
    ),
    "busy": (
        QT_TRANSLATE_NOOP(
            "errors",
            "The phrase library is in use by another program (another Huashu or the command"
            " line may be saving); please try again in a moment. This change was not saved"
        ),
        (),
    ),
    "disk_full": (
        QT_TRANSLATE_NOOP(
            "errors",
            "The disk is full, so this change was not saved; free some space and try again"
            " (searching and copying still work)"
        ),
        (),
    ),
    "unavailable": (
        QT_TRANSLATE_NOOP(
            "errors",
            "The phrase library file could not be read or written (its folder may have been"
            " moved, a network drive disconnected, or the disk failed); this change was not"
            " saved"
        ),
        (),
    ),
    "wal_unavailable": (
        QT_TRANSLATE_NOOP(
            "errors",
            "WAL mode could not be turned on ({0}); the phrase library may be in a read-only place."
        ),
        ("mode",),
    ),
    "backup_before_upgrade_failed": (
        QT_TRANSLATE_NOOP(
            "errors",
            "The phrase library could not be backed up before its upgrade ({0}), so to be"
            " safe it was not upgraded; the file is unchanged: {1}"
        ),
        ("reason", "path"),
    ),
}


def _placeholder_problem(details: dict[str, str]) -> str | None:
    """The placeholder issue a "placeholder" error names, worded as the editor words it."""
    from huashu.core.placeholders import ISSUE_DETAILS, PlaceholderIssue
    from huashu.gui.i18n import placeholder_message

    code = details.get("issue", "")
    if code not in ISSUE_DETAILS:
        return None  # a kind newer than this app's wording: the library's own message instead
    issue = PlaceholderIssue(
        code=code,
        position=0,  # unused: the error's own wording says where, from details["position"]
        message="",
        message_zh="",
        details=tuple((key, details.get(key, "")) for key in ISSUE_DETAILS[code]),
    )
    return placeholder_message(issue)


def storage_message(exc: CodedError) -> str | None:
    """A library error worded in the UI's language from its code and details; None for an unknown code."""
    wording = _ERROR_WORDINGS.get(exc.code or "")
    if wording is None:
        return None
    source, keys = wording
    template = QCoreApplication.translate("errors", source)
    details = dict(exc.details)
    if exc.code == "placeholder":
        problem = _placeholder_problem(details)
        if problem is None:
            return None
        details["problem"] = problem
    message = template.format(*(details.get(key, "") for key in keys))
    if exc.code in _PATH_SUFFIXED and details.get("path"):
        message += f" ({details['path']})"
    return message

"""Library errors worded in the UI's language from their codes (the library words them in Chinese)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol, runtime_checkable

from huashu.core.coded import LIST_SEPARATOR
from huashu.gui.i18n import QT_TRANSLATE_NOOP, speaks_chinese
from huashu.gui.qt import QCoreApplication

# Errors whose Chinese message ends with " (<library path>)" when the library has one.
_PATH_SUFFIXED = frozenset({"busy", "disk_full", "read_only", "unavailable"})
# How core.spreadsheet joins a list-valued detail (a UI lists the items the way its language does).


@runtime_checkable
class Coded(Protocol):
    """What is worded from a code: a library, schema, sheet or pack error, or an import-report line
    (core.spreadsheet.CodedText). Its str() is the Chinese text the command line shows."""

    @property
    def code(self) -> str | None: ...

    @property
    def details(self) -> Mapping[str, str]: ...


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


# Codes of the schema (storage.migrations), of sheets and import-report lines (core.spreadsheet,
# storage.library's import) and of team packs and their channels (core.packs, storage.packs), in
# the same form as _ERROR_WORDINGS. A key starting with "@" is computed from several details
# (see _COMPUTED); a list-valued detail is listed the UI language's way.
_CODED_WORDINGS: dict[str, tuple[str, tuple[str, ...]]] = {
    # The library file's schema.
    "schema_too_new": (
        QT_TRANSLATE_NOOP(
            "errors",
            "This phrase library was written by a newer version of Huashu (unknown database version: {0});"
            " update Huashu to open it.",
        ),
        ("versions",),
    ),
    "schema_upgrade_failed": (
        QT_TRANSLATE_NOOP(
            "errors", "The phrase library could not be upgraded for this version of Huashu (step {0} failed: {1})."
        ),
        ("step", "reason"),
    ),
    # A sheet that cannot be imported at all.
    "sheet_unreadable": (QT_TRANSLATE_NOOP("errors", "The file {0} could not be read: {1}"), ("path", "reason")),
    "sheet_too_large": (
        QT_TRANSLATE_NOOP("errors", "The file is too large ({0} MB; the limit is {1} MB): {2}"),
        ("size", "limit", "path"),
    ),
    "sheet_too_many_rows": (QT_TRANSLATE_NOOP("errors", "The sheet has too many rows (the limit is {0})."), ("limit",)),
    "sheet_empty": (QT_TRANSLATE_NOOP("errors", "The file is empty: it has no header row."), ()),
    "file_type_unsupported": (
        QT_TRANSLATE_NOOP("errors", "Files of type “{0}” cannot be imported; please use .csv or .xlsx."),
        ("suffix",),
    ),
    "export_type_unsupported": (
        QT_TRANSLATE_NOOP("errors", "Files of type “{0}” cannot be exported; please use .csv or .xlsx."),
        ("suffix",),
    ),
    "columns_missing": (
        QT_TRANSLATE_NOOP("errors", "Required columns are missing: {0}. The file's header has: {1}."),
        ("@missing", "found"),
    ),
    "header_duplicate": (
        QT_TRANSLATE_NOOP("errors", "The header “{0}” appears twice (it is the same column as “{1}”)."),
        ("header", "first"),
    ),
    "no_sheet_has_columns": (
        QT_TRANSLATE_NOOP("errors", "None of the worksheets ({0}) has the required columns ({1})."),
        ("sheets", "columns"),
    ),
    "csv_unclosed_quote": (
        QT_TRANSLATE_NOOP(
            "errors", "CSV format error (row {0}): the file ends inside quotes (a quote mark has no partner)."
        ),
        ("row",),
    ),
    "csv_text_after_quote": (
        QT_TRANSLATE_NOOP(
            "errors",
            "CSV format error (row {0}): a closing quote must be followed by a separator (write a quote"
            " mark inside a cell as two: \"\").",
        ),
        ("row",),
    ),
    "csv_newline_unquoted": (
        QT_TRANSLATE_NOOP("errors", "CSV format error (row {0}): a cell without quotes contains a line break."),
        ("row",),
    ),
    "csv_nul": (
        QT_TRANSLATE_NOOP("errors", "CSV format error (row {0}): the file contains the invalid character NUL."),
        ("row",),
    ),
    "csv_malformed": (
        QT_TRANSLATE_NOOP("errors", "CSV format error (row {0}): the file cannot be read ({1})."),
        ("row", "reason"),
    ),
    "encoding_bad_bytes": (
        QT_TRANSLATE_NOOP(
            "errors",
            "The file's encoding is wrong, so none of it was imported: read as {0}, at {1} there are"
            " bytes that cannot be read: {2}.",
        ),
        ("encoding", "@where", "bytes"),
    ),
    "encoding_nul": (
        QT_TRANSLATE_NOOP(
            "errors",
            "The file's encoding is wrong, so none of it was imported: read as {0}, at {1} there is a NUL"
            " character 0x00 (it is not a text sheet, or it is UTF-16 without a BOM).",
        ),
        ("encoding", "@where"),
    ),
    "xlsx_invalid": (QT_TRANSLATE_NOOP("errors", "This is not a valid Excel (.xlsx) file: {0}"), ("name",)),
    "xlsx_suspicious_path": (
        QT_TRANSLATE_NOOP("errors", "The Excel file contains a suspicious path and was refused: {0}"),
        ("name",),
    ),
    "xlsx_too_large_unpacked": (
        QT_TRANSLATE_NOOP(
            "errors", "The Excel file is too large once unpacked (it looks like a zip bomb) and was refused."
        ),
        (),
    ),
    "xlsx_damaged": (
        QT_TRANSLATE_NOOP("errors", "The Excel file could not be read (it may be damaged or cut short): {0}"),
        ("reason",),
    ),
    "xlsx_too_many_merged": (
        QT_TRANSLATE_NOOP("errors", "The sheet has too many merged cells (the limit is {0})."),
        ("limit",),
    ),
    "xlsx_no_sheets": (QT_TRANSLATE_NOOP("errors", "The Excel file has no worksheets."), ()),
    "xlsx_no_visible_sheets": (
        QT_TRANSLATE_NOOP("errors", "The Excel file has no visible worksheets (hidden worksheets are not read)."),
        (),
    ),
    # Lines of an import report: about a sheet, or about one row.
    "sheet_hidden": (QT_TRANSLATE_NOOP("errors", "Hidden worksheet: not read."), ()),
    "sheet_without_columns": (
        QT_TRANSLATE_NOOP("errors", "It does not have the required columns ({0}): not read."),
        ("columns",),
    ),
    "category_from_sheet_name": (
        QT_TRANSLATE_NOOP(
            "errors",
            "There is no category column: the phrases of this sheet go into the category “{0}” (the"
            " worksheet's name).",
        ),
        ("category",),
    ),
    "hidden_rows_read": (
        QT_TRANSLATE_NOOP("errors", "These hidden rows were read too: rows {0} (hidden or filtered out in Excel)."),
        ("rows",),
    ),
    "category_from_row_above": (
        QT_TRANSLATE_NOOP(
            "errors",
            "The category is empty, so this row takes the category “{0}” of row {1} (Excel saves a merged"
            " category cell as CSV in its first row only).",
        ),
        ("category", "source"),
    ),
    "category_from_row_above_rows": (
        QT_TRANSLATE_NOOP(
            "errors",
            "The category is empty, so rows {0}–{1} take the category “{2}” of row {3} (Excel saves a"
            " merged category cell as CSV in its first row only).",
        ),
        ("first", "last", "category", "source"),
    ),
    "row_category_empty": (QT_TRANSLATE_NOOP("errors", "The category is empty."), ()),
    "row_title_empty": (QT_TRANSLATE_NOOP("errors", "The title is empty."), ()),
    "row_text_empty": (QT_TRANSLATE_NOOP("errors", "The text is empty."), ()),
    "row_category_empty_merged": (
        QT_TRANSLATE_NOOP(
            "errors",
            "The category is empty (it lies in the merged cell {0}, whose content counts for its first"
            " row only; unmerge it and fill in every row).",
        ),
        ("cell",),
    ),
    "row_title_empty_merged": (
        QT_TRANSLATE_NOOP(
            "errors",
            "The title is empty (it lies in the merged cell {0}, whose content counts for its first row"
            " only; unmerge it and fill in every row).",
        ),
        ("cell",),
    ),
    "row_text_empty_merged": (
        QT_TRANSLATE_NOOP(
            "errors",
            "The text is empty (it lies in the merged cell {0}, whose content counts for its first row"
            " only; unmerge it and fill in every row).",
        ),
        ("cell",),
    ),
    "cells_too_long": (
        QT_TRANSLATE_NOOP("errors", "A cell is too long ({0}: more than {1} characters)."),
        ("columns", "limit"),
    ),
    "cell_nul_character": (QT_TRANSLATE_NOOP("errors", "A cell contains an invalid character (NUL)."), ()),
    "cell_unpaired_surrogate": (
        QT_TRANSLATE_NOOP("errors", "A cell contains invalid characters (unpaired surrogates)."),
        (),
    ),
    "row_duplicate": (
        QT_TRANSLATE_NOOP("errors", "The same as {0} (the same title in the same category)."),
        ("@row",),
    ),
    "row_duplicate_width": (
        QT_TRANSLATE_NOOP(
            "errors",
            "The same as {0} (the title differs from “{1}” only in full-width or half-width characters).",
        ),
        ("@row", "title"),
    ),
    "markers_converted": (QT_TRANSLATE_NOOP("errors", "Old-style blanks turned into fields: {0}"), ("fields",)),
    "shortcut_invalid_ignored": (
        QT_TRANSLATE_NOOP(
            "errors",
            "The shortcut “{0}” cannot be used and was left out: a shortcut is “/” followed by letters,"
            " digits, Chinese characters or - _ . (e.g. /tk), without spaces and at most {1} characters long.",
        ),
        ("shortcut", "limit"),
    ),
    "shortcut_changed": (QT_TRANSLATE_NOOP("errors", "The shortcut {0} was changed to {1}."), ("given", "shortcut")),
    "shortcut_taken_by_row": (
        QT_TRANSLATE_NOOP("errors", "The shortcut {0} is already used by {1}, so it was left out."),
        ("shortcut", "@row"),
    ),
    "shortcut_taken_ignored": (
        QT_TRANSLATE_NOOP("errors", "The shortcut {0} is already used by “{1}”, so it was left out."),
        ("shortcut", "title"),
    ),
    "pack_phrase_changed": (
        QT_TRANSLATE_NOOP(
            "errors",
            "It differs from the team pack's phrase of the same title, which is read-only, so it was not"
            " imported (to change that phrase, ask your team lead to update the pack; to keep yours as"
            " your own phrase, give it another title).",
        ),
        (),
    ),
    "forbidden_words_imported": (
        QT_TRANSLATE_NOOP("errors", "Contains forbidden phrases: {0} (imported; please change it)."),
        ("words",),
    ),
    # Team pack files.
    "pack_file_missing": (QT_TRANSLATE_NOOP("errors", "The file does not exist: {0}"), ("path",)),
    "pack_file_unreadable": (
        QT_TRANSLATE_NOOP("errors", "The file {0} could not be read: {1}"),
        ("path", "reason"),
    ),
    "pack_not_a_file": (QT_TRANSLATE_NOOP("errors", "This is not a regular file: {0}"), ("path",)),
    "pack_file_too_large": (
        QT_TRANSLATE_NOOP(
            "errors", "The team pack file {0} is too large ({1} MB; the limit is {2} MB) and was refused."
        ),
        ("name", "size", "limit"),
    ),
    "pack_too_large": (
        QT_TRANSLATE_NOOP("errors", "The team pack file is too large (the limit is {0} MB) and was refused."),
        ("limit",),
    ),
    "pack_empty": (QT_TRANSLATE_NOOP("errors", "The file is empty; it is not a team pack."), ()),
    "pack_not_a_pack": (QT_TRANSLATE_NOOP("errors", "This is not a team pack file (its .huashu header is wrong)."), ()),
    "pack_header_truncated": (
        QT_TRANSLATE_NOOP("errors", "The team pack's header is incomplete (the file was cut short or damaged)."),
        (),
    ),
    "pack_header_damaged": (QT_TRANSLATE_NOOP("errors", "The team pack's header is damaged."), ()),
    "pack_damaged_line_endings": (
        QT_TRANSLATE_NOOP(
            "errors",
            "The team pack file is damaged (its line endings were converted: it was sent or edited as"
            " text); please ask your team lead for the original file again.",
        ),
        (),
    ),
    "pack_damaged_bom": (
        QT_TRANSLATE_NOOP(
            "errors",
            "The team pack file is damaged (an invisible encoding mark was added at its start: it was sent"
            " or edited as text); please ask your team lead for the original file again.",
        ),
        (),
    ),
    "pack_damaged_first_line": (
        QT_TRANSLATE_NOOP(
            "errors",
            "The team pack file is damaged (its first line is wrong; it may have been changed on the way or"
            " by another program); please ask your team lead for the original file again.",
        ),
        (),
    ),
    "pack_damaged_short": (
        QT_TRANSLATE_NOOP(
            "errors",
            "The team pack file is damaged ({0} bytes of its content are missing; it may have been changed"
            " on the way or by another program); please ask your team lead for the original file again.",
        ),
        ("bytes",),
    ),
    "pack_damaged_extra": (
        QT_TRANSLATE_NOOP(
            "errors",
            "The team pack file is damaged ({0} extra bytes at its end; it may have been changed on the way"
            " or by another program); please ask your team lead for the original file again.",
        ),
        ("bytes",),
    ),
    "pack_signature_invalid": (
        QT_TRANSLATE_NOOP(
            "errors",
            "The signature is not valid, so the team pack was refused: the file is damaged (its content"
            " does not match its signature; it may have been changed on the way or by another program)."
            " Please ask your team lead for the original file again.",
        ),
        (),
    ),
    "pack_invalid": (
        QT_TRANSLATE_NOOP(
            "errors", "This is not a valid team pack ({0}); please ask your team lead for the file again."
        ),
        ("problem",),
    ),
    "pack_format_newer": (
        QT_TRANSLATE_NOOP(
            "errors", "This team pack has format version {0}, newer than this Huashu reads; please update Huashu first."
        ),
        ("version",),
    ),
    "pack_needs_newer_app": (
        QT_TRANSLATE_NOOP(
            "errors", "The team pack “{0}” needs Huashu {1} or newer (this is {2}); please update Huashu first."
        ),
        ("name", "needs", "current"),
    ),
    # Installing and removing team packs.
    "pack_untrusted": (
        QT_TRANSLATE_NOOP(
            "errors",
            "The team pack “{0}” comes from the publisher “{1}”, who is not trusted yet (key fingerprint"
            " {2}). Compare the fingerprint with the one your team lead gave you before you trust it.",
        ),
        ("name", "publisher", "fingerprint"),
    ),
    "pack_trust_key_mismatch": (
        QT_TRANSLATE_NOOP(
            "errors",
            "The key given to trust (fingerprint {0}) is not the key this team pack is signed with"
            " (fingerprint {1}), so it was refused.",
        ),
        ("given", "actual"),
    ),
    "pack_signed_by_other_key": (
        QT_TRANSLATE_NOOP(
            "errors",
            "The installed team pack “{0}” is signed with another key (fingerprint {1}); this file is"
            " signed with {2}, so it was refused.",
        ),
        ("name", "installed", "actual"),
    ),
    "pack_already_installed": (
        QT_TRANSLATE_NOOP("errors", "The team pack “{0}” v{1} is already installed; this is not an update."),
        ("name", "version"),
    ),
    "pack_older_version": (
        QT_TRANSLATE_NOOP(
            "errors",
            "The team pack “{0}” v{1} is installed; this file is the older v{2}, not an update, so it was refused.",
        ),
        ("name", "installed", "version"),
    ),
    "pack_not_installed": (QT_TRANSLATE_NOOP("errors", "This team pack is not installed: {0}"), ("id",)),
    "trusted_key_not_found": (
        QT_TRANSLATE_NOOP("errors", "This key is not in the list of trusted keys (fingerprint {0})."),
        ("fingerprint",),
    ),
    # Channels: shared folders and HTTPS addresses that packs are updated from.
    "channel_failed": (QT_TRANSLATE_NOOP("errors", "The team pack channel could not be used: {0}"), ("problem",)),
    "channel_folder_unreadable": (
        QT_TRANSLATE_NOOP("errors", "The folder {0} could not be read: {1}"),
        ("folder", "reason"),
    ),
    "channel_https_only": (
        QT_TRANSLATE_NOOP(
            "errors", "Only https:// addresses can be used (so that packs cannot be changed on the way): {0}"
        ),
        ("url",),
    ),
    "channel_url_credentials": (
        QT_TRANSLATE_NOOP("errors", "The address cannot contain a user name or password."),
        (),
    ),
    "channel_http_error": (QT_TRANSLATE_NOOP("errors", "The server answered with error {0}: {1}"), ("status", "url")),
    "channel_unreachable": (QT_TRANSLATE_NOOP("errors", "Could not connect to {0}: {1}"), ("url", "reason")),
    "channel_download_too_large": (
        QT_TRANSLATE_NOOP("errors", "The download is too large (the limit is {0} bytes) and was refused."),
        ("limit",),
    ),
    "channel_manifest_invalid": (
        QT_TRANSLATE_NOOP("errors", "The update list at {0} is not valid; please tell your team lead."),
        ("url",),
    ),
    "channel_checksum_mismatch": (
        QT_TRANSLATE_NOOP(
            "errors",
            "The downloaded team pack does not match the SHA-256 in the update list (it is incomplete or"
            " was changed on the way), so it was discarded.",
        ),
        (),
    ),
    "channel_empty": (QT_TRANSLATE_NOOP("errors", "The channel's address cannot be empty."), ()),
    "channel_exists": (QT_TRANSLATE_NOOP("errors", "This channel is already added: {0}"), ("location",)),
    "channel_not_found": (QT_TRANSLATE_NOOP("errors", "There is no such channel: {0}"), ("channel",)),
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


def _row_label(details: Mapping[str, str]) -> str:
    """ "row 3", or "sheet “售后” row 3" for a row of one of several sheets, as the import report says it."""
    sheet = details.get("sheet")
    if sheet is None:
        return QCoreApplication.translate("ImportReportDialog", "row {0}").format(details.get("row", ""))
    return QCoreApplication.translate("ImportReportDialog", "sheet “{0}” row {1}").format(
        sheet, details.get("row", "")
    )


def _where_in_file(details: Mapping[str, str]) -> str:
    """Where a text file stopped decoding: row and character, the line in a text editor if it differs, the byte."""
    if details.get("line"):
        return QCoreApplication.translate(
            "errors", "row {0}, character {1} (line {2} in a text editor, byte {3} of the file)"
        ).format(details.get("row", ""), details.get("column", ""), details["line"], details.get("offset", ""))
    return QCoreApplication.translate("errors", "row {0}, character {1} (byte {2} of the file)").format(
        details.get("row", ""), details.get("column", ""), details.get("offset", "")
    )


def _missing_columns(details: Mapping[str, str]) -> str:
    """Missing columns by their English names with the Chinese a lead's sheet may use: "title (标题)"."""
    from huashu.gui.i18n import join_list

    shown = details.get("missing", "").split(LIST_SEPARATOR)
    names = details.get("columns", "").split(LIST_SEPARATOR)
    if len(names) != len(shown):
        names = shown
    return join_list(name if name == said else f"{name} ({said})" for name, said in zip(names, shown, strict=True))


# Keys of a wording computed from several details rather than taken from one.
_COMPUTED = {"@row": _row_label, "@where": _where_in_file, "@missing": _missing_columns}


def _value(key: str, details: Mapping[str, str]) -> str:
    computed = _COMPUTED.get(key)
    if computed is not None:
        return computed(details)
    value = details.get(key, "")
    if LIST_SEPARATOR in value:
        from huashu.gui.i18n import join_list

        return join_list(value.split(LIST_SEPARATOR))
    return value


def storage_message(exc: Coded) -> str | None:
    """An error or import-report line worded in the UI's language from its code and details; None
    for an unknown code."""
    wording = _ERROR_WORDINGS.get(exc.code or "") or _CODED_WORDINGS.get(exc.code or "")
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
    message = template.format(*(_value(key, details) for key in keys))
    if exc.code in _PATH_SUFFIXED and details.get("path"):
        message += f" ({details['path']})"
    return message


def in_ui_language(item: object, fallback: str | None = None) -> str:
    """An error or an import-report line as the UI says it: worded from its code in a UI that is not
    Chinese; otherwise (or for an unknown code) `fallback`, or str(item), the Chinese text."""
    text = str(item) if fallback is None else fallback
    if speaks_chinese() or not isinstance(item, Coded) or item.code is None:
        return text
    return storage_message(item) or text


_ENCODING_ADVICE = (
    QT_TRANSLATE_NOOP(
        "errors",
        "Supported encodings: UTF-8 (with or without BOM), GB18030 (including GBK and GB2312), UTF-16 (with BOM).",
    ),
    QT_TRANSLATE_NOOP(
        "errors",
        "To fix it: open the file in Excel or Notepad, correct this spot (it usually shows as garbled"
        " characters or question marks), then use “Save As” with the file type “CSV UTF-8 (Comma"
        " delimited) (*.csv)” and import it again.",
    ),
)


def encoding_sentences(exc: Coded, sentences: tuple[str, ...]) -> tuple[str, ...]:
    """What is wrong with a text file's encoding, the encodings that work and the fix, in the UI's
    language; `sentences` (the Chinese ones) in a Chinese UI or for an unknown code."""
    first = None if speaks_chinese() else storage_message(exc)
    if first is None:
        return sentences
    return (first, *(QCoreApplication.translate("errors", advice) for advice in _ENCODING_ADVICE))


def system_language() -> str:
    """The supported language the system's locale asks for (QLocale.system(): LANG and LC_* on
    Linux, the user's UI language on Windows and macOS), for what is said before the library's
    own language setting can be read."""
    from huashu.gui.i18n import DEFAULT_LANGUAGE, language_for
    from huashu.gui.qt import QLocale

    name = QLocale.system().name()
    if name in ("", "C", "POSIX"):
        return DEFAULT_LANGUAGE  # no locale configured says nothing about the person: the app's own default
    return language_for(name)

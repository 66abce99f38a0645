"""Embedded data files: default library, rules, search dictionaries, icons, translations."""

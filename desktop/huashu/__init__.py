"""Huashu (话术助手): reply templates, search and forbidden-phrase checks for customer-service agents."""

__version__ = "0.1.0"

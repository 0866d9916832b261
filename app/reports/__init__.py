"""PDF reports built with reportlab from plain data (no database, no Qt)."""

"""File formats only: spreadsheet and CSV readers, the safe Excel writer, templates, row validation
and DECP JSON. Pure: plain values in, plain dataclasses out; no database, no Qt."""

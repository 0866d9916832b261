"""Pure rules: plain Python in, plain Python out. No Qt, no SQL."""

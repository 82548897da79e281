"""A small shop whose background work runs on pynenc."""

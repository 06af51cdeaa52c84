"""Bug-squash days: the planning lists (pure rules over stored bugs and changes)."""

"""Grading one study from its descriptor: evidence level, the GRADE starting point for its
design, and caution flags with their reasons."""

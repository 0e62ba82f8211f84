"""A channel whose JSON is mapped to the normalized order field by field in the admin."""

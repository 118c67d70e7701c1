"""Training services: every write that touches more than one row goes through one of these modules."""

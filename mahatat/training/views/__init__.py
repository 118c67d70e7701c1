"""Training pages, one module per part of the domain (catalogue, desk, schedule, attendance, ...)."""

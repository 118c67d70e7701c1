"""Read queries of the training module, one module per part of the domain."""

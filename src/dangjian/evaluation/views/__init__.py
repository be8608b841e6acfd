"""Pages of the democratic evaluation and recognition, one module per area."""

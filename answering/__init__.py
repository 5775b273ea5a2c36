"""answering package."""

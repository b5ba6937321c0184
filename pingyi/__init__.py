"""pingyi (评议): citizens rate government service windows; inspectors act on what they said."""

__version__ = "0.1.0"

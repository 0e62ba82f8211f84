"""Channel orders from CSV files (one row per order line), through the inbox."""

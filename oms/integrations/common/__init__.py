"""What every channel adapter shares: reading channel documents (money, times, text, booleans),
the adapter base (configuration from the channel's connection), signatures and the HTTP client."""

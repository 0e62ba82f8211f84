"""Amazon SP-API, Orders API v0 (deprecated by Amazon, works until 2027-03-27; v2026-01-01 goes
beside it in its own module when it is built)."""

"""Pulls of channel orders: scheduled, with a cursor per channel, paging and backoff."""

"""Delivery: error classes, retry policy, channels, the chain and the dispatcher."""

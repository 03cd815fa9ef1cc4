"""Support conversations (tickets) between subscribers and the provider's operators."""

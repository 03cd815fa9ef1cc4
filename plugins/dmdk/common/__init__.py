"""What the dmdk capabilities share: the web blueprint."""

"""Personal accounts (лицевые счета): what a subscriber pays into; plugins attach their meaning."""

"""The housing stock: buildings, flats and the personal accounts bound to them."""

"""The public certificate self-check page: what is wrong with a certificate, in words."""

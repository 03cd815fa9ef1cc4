"""The catalogue: tariffs, add-ons and TV packages, who they are offered to; the operator's pages (``admin``)."""

"""Management-company reports: PDF documents published for one building's residents or for all."""

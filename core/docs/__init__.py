"""Documentation generated from core's code (the hook reference: ``abonent docs hooks``)."""

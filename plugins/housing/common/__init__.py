"""What every housing capability shares: the blueprints."""

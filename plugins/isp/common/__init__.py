"""What every isp capability shares: the contract lock, days and money per day, links, the blueprints.

Nothing here imports a capability package, so every capability may import from here.
"""

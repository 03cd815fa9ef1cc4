"""The subscriber's history of self-service orders: tariff changes, add-ons, promised payments, voluntary blocks."""

"""The subscriber's money pages: balance, history, statistics, top-up by card, receipts."""

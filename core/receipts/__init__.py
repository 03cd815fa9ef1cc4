"""Printable receipts (квитанции) per personal account and month, with a GOST R 56042 payment QR code.

* :func:`build_receipt` (``core.receipts.model``) — what the receipt says: provider and bank details,
  payer, the month's opening balance, charges by service, payments, closing balance, amount due,
  lines from the plugins' ``receipt_lines`` hook, and the QR payload.
* ``core.receipts.views`` — ``render_receipt_html``, ``render_receipt_pdf``, ``qr_svg``, ``qr_png``.
"""

from core.receipts.format import format_rub
from core.receipts.model import Receipt, ReceiptError, build_receipt

__all__ = ["Receipt", "ReceiptError", "build_receipt", "format_rub"]

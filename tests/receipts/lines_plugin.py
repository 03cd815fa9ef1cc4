"""A test plugin that adds lines to receipts through the ``receipt_lines`` hook."""

from core.api import PluginInfo, ReceiptLine, hookimpl

plugin_info = PluginInfo(name="receiptlines", version="0.1", title="Receipt lines", description="Test plugin.")


@hookimpl
def receipt_lines(tenant, account, period):
    return [
        ReceiptLine("Тариф «Домашний 100»", 75000, f"100 Мбит/с, {period}"),
        ReceiptLine("Статический IP-адрес"),
        ReceiptLine("Без суммы в копейках", 12.5),  # malformed: left out
        ReceiptLine("", 100),  # malformed: no title
    ]

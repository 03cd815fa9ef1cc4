"""A test plugin that adds lines to receipts through the ``receipt_lines`` hook."""

from core.api import PluginInfo, hookimpl

plugin_info = PluginInfo(name="receiptlines", version="0.1", title="Receipt lines", description="Test plugin.")


@hookimpl
def receipt_lines(tenant, account, period):
    return [
        {"title": "Тариф «Домашний 100»", "amount": 75000, "details": f"100 Мбит/с, {period}"},
        {"title": "Статический IP-адрес", "amount": None},
        {"title": "Без суммы в копейках", "amount": 12.5},  # malformed: left out
        {"amount": 100},  # malformed: no title
    ]

"""The ЕПД (единый платёжный документ): a flat's payment document for a month, HTML and PDF with the payment QR."""

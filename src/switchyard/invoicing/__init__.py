"""Invoicing: an invoice per shipment, credit notes for refunds, gapless numbers, PDFs."""

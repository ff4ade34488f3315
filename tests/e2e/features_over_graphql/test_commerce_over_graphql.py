"""§6.1, §6.4 and §9.2 (orders, payment, bills, invoices, my services), over GraphQL."""

from pytest_bdd import scenarios

scenarios("commerce.feature")

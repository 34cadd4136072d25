"""Billing writes: settings, payments, Connect accounts, payouts, webhooks."""

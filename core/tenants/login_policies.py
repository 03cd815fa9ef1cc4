"""What a tenant's subscribers log in with (``Tenant.login_identifier``): contract number, e-mail or account number."""

from __future__ import annotations

LOGIN_CONTRACT = "contract"
LOGIN_EMAIL = "email"
LOGIN_ACCOUNT = "account"
LOGIN_POLICIES = (LOGIN_CONTRACT, LOGIN_EMAIL, LOGIN_ACCOUNT)

"""users_of_accounts: who may use each of many accounts, in bulk (a charge run's reminders)."""

from core.accounts.service import grant_access, open_account, users_of_account, users_of_accounts
from core.db import session, tenant_scope
from core.identity.models import User


def test_each_account_maps_to_its_own_users_and_an_account_nobody_uses_to_an_empty_list(app, make_tenant, make_user):
    tenant = make_tenant("bulk-users")
    other_tenant = make_tenant("bulk-users-other")
    alice, bob = make_user(tenant, "alice@example.com"), make_user(tenant, "bob@example.com")
    stranger = make_user(other_tenant, "stranger@example.com")
    with app.app_context():
        with tenant_scope(other_tenant.id):
            elsewhere = open_account("900001")
            grant_access(session.get(User, stranger.id), elsewhere)
            session.commit()
            elsewhere_id = elsewhere.id
        with tenant_scope(tenant.id):
            shared, own, unused = open_account("100001"), open_account("100002"), open_account("100003")
            grant_access(session.get(User, bob.id), shared)
            grant_access(session.get(User, alice.id), shared)
            grant_access(session.get(User, bob.id), own)
            session.commit()

            found = users_of_accounts([own.id, shared.id, unused.id, shared.id, elsewhere_id])

            assert {key: [user.login for user in users] for key, users in found.items() if key != elsewhere_id} == {
                shared.id: ["alice@example.com", "bob@example.com"],
                own.id: ["bob@example.com"],
                unused.id: [],
            }
            assert found[elsewhere_id] == []  # another tenant's account: its users are not visible here
            assert found[shared.id] == users_of_account(shared)
            assert users_of_accounts([]) == {}

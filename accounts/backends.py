"""Signing in with a password, and the signed-in user loaded with what every page asks of them."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class UserBackend(ModelBackend):
    """Django's ``ModelBackend``, whose ``get_user`` (run once per request for the session's
    user) reads the user's professional record, auditor scope and crisis-centre staff record
    in the same query: every page asks who the user is (menus, access, the audit's role), which
    took three more queries per request (issue 16)."""

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related(
            "professional", "auditor_scope", "centre_staff"
        )
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

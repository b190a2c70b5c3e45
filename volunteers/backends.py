from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import router

from core.compiled_queries import CompiledInstancesQuery

from .models import User
from .phone import normalize_mobile

# Every request of a signed-in reader reads its person: composed once per process (core.compiled_queries).
_USER_BY_ID = CompiledInstancesQuery(
    User, lambda user_id: User._default_manager.filter(pk=user_id), user_id=int
)


class PhoneEmailOrUsernameBackend(ModelBackend):
    """Lets people log in with their mobile number (in any common form), e-mail address or username."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        user_model = get_user_model()
        identifier = username.strip()
        mobile = normalize_mobile(identifier)
        if mobile:
            lookup = {"phone": mobile}
        elif "@" in identifier:
            lookup = {"email__iexact": identifier}
        else:
            lookup = {"username": identifier}
        try:
            user = user_model.objects.get(**lookup)
        except user_model.DoesNotExist:
            user_model().set_password(password)  # same work as a real check, so timing reveals nothing
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        """As ModelBackend's: the active person whose id the session holds, or None."""
        try:
            user_id = int(user_id)
        except (TypeError, ValueError):
            return None
        user = _USER_BY_ID.get(using=router.db_for_read(User), user_id=user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .phone import normalize_mobile


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

"""The permission to use an account through the API: its owner has it, and staff for every account."""

from rest_framework.permissions import BasePermission


def is_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_staff)


class IsOwnerOrStaff(BasePermission):
    message = "Only the owner of this Instagram account or staff may use it."

    def has_object_permission(self, request, view, obj) -> bool:
        return is_staff(request.user) or obj.user_id == request.user.pk

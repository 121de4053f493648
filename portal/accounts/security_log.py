"""Security events of accounts: logged for every account, audited for staff."""

from ..audit import audit
from ..security import security_event
from .models import User


def record(event: str, user: User | None, *, audit_always: bool = False, **fields) -> None:
    """Log ``event``; keep it in the audit log too when it concerns staff (or ``audit_always``).

    The audit entry names the person as both actor and object: it is their own account.
    """
    security_event(event, user_id=user.id if user is not None else None, **fields)
    if user is not None and user.id is not None and (audit_always or user.is_staff):
        audit(event, actor=user, obj_type="user", obj_id=user.id, after=fields or None)

"""What every staff page about a case starts with: who is asking, and the case if they may see it."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from putright.accounts.access import NotVisibleError
from putright.accounts.models import User
from putright.cases.access import access_case
from putright.cases.models import Case


def staff_user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # every caller is behind login_required
    return request.user


def case_or_404(request: HttpRequest, reference: str) -> Case:
    """The case, if the user may see it (404 otherwise, whether or not it exists).

    A page that shows the case (GET) is a read of it: reading a restricted case is
    recorded, whichever page it is read on. Saving a form is recorded as what it does,
    in the case's chronology.
    """
    try:
        return access_case(staff_user(request), reference, record=request.method == "GET")
    except NotVisibleError:
        raise Http404(f"There is no case {reference} that you can see.") from None

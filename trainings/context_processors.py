from . import invitations


def current_invitation(request):
    """The invitation link this visitor followed (kept in a signed cookie, no query)."""
    return {"current_invitation": invitations.current(request)}

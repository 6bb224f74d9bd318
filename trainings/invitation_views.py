from django.shortcuts import redirect, render

from . import invitations
from .models import Invitation


def follow(request, token):
    """An invitation link: opens the training (or session) page without login, or says why it cannot."""
    try:
        invitation = invitations.follow(token)
    except Invitation.DoesNotExist:
        return render(
            request, "trainings/invitation_invalid.html", {"message": invitations.InvitationError.message}, status=404
        )
    except invitations.InvitationError as error:
        return render(request, "trainings/invitation_invalid.html", {"message": error.message}, status=410)
    url = invitation.training.get_absolute_url()
    if invitation.session_id:
        url += f"#session-{invitation.session_id}"
    return invitations.remember(invitation, redirect(url))

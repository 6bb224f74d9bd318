from django import template

from enrolment import todo

register = template.Library()


@register.inclusion_tag("admin/enrolment/includes/todo.html", takes_context=True)
def backoffice_todo(context):
    """The admin home page's "À faire" panel: counts the signed-in staff member may act on."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"items": todo.items_for(user) if user is not None and user.is_staff else []}

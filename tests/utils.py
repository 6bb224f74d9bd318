import html


def page_text(response):
    """The response body with HTML entities decoded, to look for French text with apostrophes."""
    return html.unescape(response.content.decode())

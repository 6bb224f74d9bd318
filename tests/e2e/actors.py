"""Two ways to drive a journey: with the mouse, or with the keyboard only.

A journey written against `Actor` runs both ways. The keyboard actor reaches every element with Tab
(never by clicking or focusing it from the script) and, at every stop, checks that the focus is
visible and that it moved on: a keyboard trap, or an element that Tab cannot reach, fails the test.
"""

MAX_TABS = 120

# One round trip per Tab: where the focus is, whether it is the target, and whether it shows.
# Focus is visible when the focused element draws an outline or a focus shadow.
FOCUS_STATE = """(target) => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) { return null; }
    const style = getComputedStyle(el);
    const text = (el.innerText || el.value || el.name || '').trim().slice(0, 40);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    return {
        onTarget: el === target,
        description: `${el.tagName.toLowerCase()}#${el.id} "${text}"`,
        // Chromium's own calendar button inside a date field draws its own ring: the host loses :focus.
        visible: !el.matches(':focus') || outline || style.boxShadow !== 'none',
        isDate: el.type === 'date',
    };
}"""


class Mouse:
    """Clicks and types, as most élus do."""

    def __init__(self, page):
        self.page = page

    def click(self, locator):
        locator.click()

    def fill(self, locator, text):
        locator.fill(text)

    def fill_date(self, locator, day):
        locator.fill(day.isoformat())

    def select(self, locator, label):
        locator.select_option(label=label)

    def check(self, locator):
        locator.check()


class Keyboard:
    """Tab, type, Enter, Space and arrows only."""

    def __init__(self, page):
        self.page = page
        self.stops = 0  # how many focus stops were checked, for the test to report

    def tab_to(self, locator):
        """Press Tab until `locator` has the focus; every stop on the way must show its focus."""
        locator.wait_for()
        state = locator.evaluate(FOCUS_STATE)
        previous, stay = None, 0
        for _ in range(MAX_TABS):
            if state and state["onTarget"]:
                return
            self.page.keyboard.press("Tab")
            state = locator.evaluate(FOCUS_STATE)
            if state is None:
                continue  # Tab went past the end of the page: it comes back to the top
            self.stops += 1
            description = state["description"]
            assert state["visible"], f"no visible focus on {description} ({self.page.url})"
            stay = stay + 1 if description == previous else 0
            # A date field has stops of its own (day, month, year, calendar); anything else must let go.
            assert stay <= (3 if state["isDate"] else 0), f"focus stuck on {description} ({self.page.url})"
            previous = description
        raise AssertionError(f"Tab never reached {locator} in {MAX_TABS} presses on {self.page.url}")

    def click(self, locator):
        self.tab_to(locator)
        self.page.keyboard.press("Enter")

    def fill(self, locator, text):
        self.tab_to(locator)
        self.page.keyboard.press("Control+A")
        self.page.keyboard.press("Delete")
        self.page.keyboard.type(text)

    def fill_date(self, locator, day):
        """Digits in the order the field shows: day, month, year in a French Chromium (chromium-l10n);
        month first in a Chromium without its French locale, and then the élu would type that way."""
        self.tab_to(locator)
        self.page.keyboard.type(day.strftime("%d%m%Y"))
        if locator.input_value() != day.isoformat():
            self.page.keyboard.press("Shift+Tab")
            self.page.keyboard.press("Shift+Tab")
            self.page.keyboard.type(day.strftime("%m%d%Y"))
        assert locator.input_value() == day.isoformat()

    def select(self, locator, label):
        """Arrow keys on a closed <select> change its value, as a keyboard user does."""
        self.tab_to(locator)
        current = "(el) => el.selectedIndex >= 0 ? el.options[el.selectedIndex].text.trim() : ''"
        for key in ("ArrowDown", "ArrowUp"):
            for _ in range(locator.evaluate("(el) => el.options.length")):
                if locator.evaluate(current) == label:
                    return
                self.page.keyboard.press(key)
        raise AssertionError(f"option {label!r} not reachable with the arrow keys in {locator}")

    def check(self, locator):
        self.tab_to(locator)
        if not locator.is_checked():
            self.page.keyboard.press("Space")
        assert locator.is_checked()

"""The live dashboard of `hotline serve` (GET /), rendered by headless Chromium.

Run: /usr/bin/python3 tests/http/dashboard_test.py --hotline build/tools/hotline/hotline
"""

import datetime
import html.parser
import os
import re
import signal
import subprocess
import sys
import tempfile
import unittest
import urllib.parse

# serve_fixture.py, which http_fixture builds on, is shared with tests/service/.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import http_fixture as hs  # noqa: E402 (needs the path above)
import serve_fixture  # noqa: E402

HOTLINE = None  # the binary under test, set by serve_fixture.main()

CHROMIUM = "/usr/bin/chromium-headless-shell"

# Citizen data given at intake; a dashboard on a wall screen must not show it.
CITIZEN = {"name": "王五", "phone": "13600002222"}

# A URL that leaves the page's own origin: in src/href attributes, CSS url() or @import.
EXTERNAL_REF = re.compile(
    r"""(?:\b(?:src|href)\s*=\s*["']?\s*|url\(\s*["']?\s*|@import\s+["']?\s*)"""
    r"""((?:https?:)?//[^"'\s)>]+)""", re.IGNORECASE)

# Ways a page can refresh itself without a user.
SELF_REFRESH = re.compile(r"""http-equiv\s*=\s*["']?refresh|setInterval\s*\(|setTimeout\s*\("""
                          r"""|new\s+EventSource|location\.reload""", re.IGNORECASE)

# What Chromium's --enable-logging prints for a page's console messages, e.g.
# `[...:INFO:CONSOLE:12] "Uncaught ReferenceError: ..."` (this version) or
# `[...:INFO:CONSOLE(12)] ...` (older ones). Every level is logged as INFO, so a
# console.error cannot be told apart from a console.log: any message fails.
CONSOLE = re.compile(r":CONSOLE[(:]\d+|Uncaught")


class ElementText(html.parser.HTMLParser):
    """The text inside the element with a given id, and whether it exists."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
            "source", "track", "wbr"}

    def __init__(self, element_id):
        super().__init__()
        self.element_id = element_id
        self.found = False
        self.depth = 0  # open elements inside (and including) the wanted one
        self.text = []

    def handle_starttag(self, tag, attrs):
        opens = tag not in self.VOID  # a void element has no end tag to close it
        if self.depth:
            self.depth += opens
        elif dict(attrs).get("id") == self.element_id:
            self.found = True
            self.depth = int(opens)

    def handle_startendtag(self, tag, attrs):  # <x/> opens nothing
        if not self.depth and dict(attrs).get("id") == self.element_id:
            self.found = True

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)


class DashboardTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        t0 = hs.now().replace(microsecond=0)
        days_ago = t0 - datetime.timedelta(days=6)

        def seed(hotline):
            # The dashboard needs no token, but serve needs a tokens file.
            hotline.add_token("audit", "AUDITOR")
            hotline.apply(hs.directory_commands(days_ago - datetime.timedelta(hours=3)) + [
                # URGENT: sign within 1 working hour, reply within 1 working day. Six
                # days hold at least four weekdays, so both deadlines have passed.
                hs.command("d1", "T-D-1", days_ago - datetime.timedelta(hours=2), hs.OPERATOR,
                           hs.receive("噪音扰民", "春熙路步行街", CITIZEN, urgency="URGENT")),
                hs.command("d2", "T-D-1", days_ago, hs.DISPATCHER,
                           {"dispatch": {"leadUnit": "D01"}}),
                # Dispatched half an hour ago: nothing owed yet.
                hs.command("d3", "T-D-2", t0 - datetime.timedelta(hours=1), hs.OPERATOR,
                           hs.receive("道路破损", "人民路12号", CITIZEN)),
                hs.command("d4", "T-D-2", t0 - datetime.timedelta(minutes=30), hs.DISPATCHER,
                           {"dispatch": {"leadUnit": "D02"}}),
                # Answered by the centre: closed.
                hs.command("d5", "T-D-3", t0 - datetime.timedelta(minutes=40), hs.OPERATOR,
                           hs.receive("噪音扰民", "锦江区东大街", CITIZEN)),
                hs.command("d6", "T-D-3", t0 - datetime.timedelta(minutes=20), hs.DISPATCHER,
                           {"answerDirectly": {"answer": "已告知市民处理进展。"}}),
            ])

        cls.hotline = hs.start(cls, HOTLINE, seed)
        cls.origin = urllib.parse.urlsplit(cls.hotline.base).netloc

    def chromium(self, *flags, url=None):
        """Runs headless Chromium on url (the dashboard by default) with a fresh
        profile; returns (stdout, stderr). Chromium's helper processes share its new
        session, so a hung run is ended as a whole."""
        profile = tempfile.mkdtemp(prefix="chromium-", dir=self.hotline.dir)
        proc = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", f"--user-data-dir={profile}", "--virtual-time-budget=3000",
             *flags, url or self.hotline.base + "/"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
            start_new_session=True)
        try:
            out, err = proc.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise AssertionError("chromium did not finish within 120 s")
        self.assertEqual(proc.returncode, 0, err.decode("utf-8", "replace"))
        return out.decode("utf-8", "replace"), err.decode("utf-8", "replace")

    def assert_self_contained(self, page):
        """Nothing is fetched from another host: the dashboard works on a closed network."""
        for url in EXTERNAL_REF.findall(page):
            self.assertEqual(urllib.parse.urlsplit(url).netloc, self.origin,
                             f"external resource {url}")

    def assert_no_citizen_data(self, page):
        for private in CITIZEN.values():
            self.assertFalse(private in page, f"citizen data {private!r} on the dashboard")

    def test_page_as_served(self):
        response = self.hotline.get("/")
        self.assertEqual(response.status, 200, response.body)
        self.assertTrue(response.content_type.startswith("text/html"), response.content_type)
        self.assert_self_contained(response.body)
        self.assert_no_citizen_data(response.body)
        self.assertRegex(response.body, SELF_REFRESH, "the page must refresh itself")

    def test_rendered_page(self):
        # One run gives both the DOM after the scripts ran and the console log.
        dom, log = self.chromium("--dump-dom", "--enable-logging=stderr", "--v=0")
        self.assertIn("<svg", dom)
        month = datetime.datetime.now(hs.SHANGHAI).strftime("%Y-%m")
        self.assertIn(month, dom, "this month's report")
        overdue = ElementText("overdue")
        overdue.feed(dom)
        self.assertTrue(overdue.found, 'no element with id="overdue"')
        self.assertIn("T-D-1", "".join(overdue.text))
        self.assertNotIn("T-D-2", "".join(overdue.text))
        self.assert_self_contained(dom)
        self.assert_no_citizen_data(dom)
        console = [line for line in log.splitlines() if CONSOLE.search(line)]
        self.assertEqual(console, [], "the page wrote to the console")

    def screenshot(self, name, url=None):
        png = os.path.join(self.hotline.dir, name)
        self.chromium(f"--screenshot={png}", "--window-size=1280,1600", url=url)
        with open(png, "rb") as f:
            image = f.read()
        self.assertTrue(image.startswith(b"\x89PNG\r\n\x1a\n"), f"{name} is not a PNG")
        return image

    def test_screenshot(self):
        dashboard = self.screenshot("dash.png")
        self.assertGreater(len(dashboard), 10 * 1024)
        # A blank page of this size is already about 9 KB, so the size alone says
        # little: charts and text should at least double it.
        blank = self.screenshot("blank.png", url="about:blank")
        self.assertGreater(len(dashboard), 2 * len(blank), "the dashboard renders almost blank")


if __name__ == "__main__":
    serve_fixture.main(__doc__, globals())

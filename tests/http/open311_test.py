"""The Open311 GeoReport v2 side of `hotline serve`, its /healthz and /metrics, seen by curl.

Run: /usr/bin/python3 tests/http/open311_test.py --hotline build/tools/hotline/hotline

The GeoReport v2 rules quoted below are from http://wiki.open311.org/GeoReport_v2.
"""

import datetime
import json
import os
import re
import sys
import time
import urllib.parse
import unittest

# serve_fixture.py, which http_fixture builds on, is shared with tests/service/.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import http_fixture as hs  # noqa: E402 (needs the path above)
import serve_fixture  # noqa: E402

HOTLINE = None  # the binary under test, set by serve_fixture.main()

BASE = "/open311/v2"
NAMES = {c["code"]: c["name"] for c in hs.CATEGORIES}

# Citizen data given at intake. None of it may come back from any GET: the Open311
# side is public, and the citizen's identity is for the centre only.
SEED_CITIZEN = {"name": "李四", "phone": "13900001111"}
POSTED_CITIZEN = {"first_name": "Jiayi", "last_name": "Ouyangxiu", "phone": "13712345678",
                  "email": "jiayi.ouyang@example.org"}
PRIVATE = list(SEED_CITIZEN.values()) + list(POSTED_CITIZEN.values())

# Events the seed appends: 2 units, 1 policy, receive+dispatch, receive,
# receive+answered+closed.
SEED_EVENTS = 9

# W3C date-time with a zone, as the spec requires of every date/time field.
W3C_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$")


def handle_deadline(dispatched_at, working_days=5):
    """sla.md: 00:00 local of the day after the N-th working day strictly after the
    dispatch's local date (NORMAL complaint: 5). The seed's policy has no holidays,
    so the working days are Monday to Friday."""
    day = dispatched_at.astimezone(hs.SHANGHAI).date()
    while working_days:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            working_days -= 1
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(),
                                     hs.SHANGHAI)


def instant(text):
    assert W3C_DATETIME.match(text), f"not a W3C date-time with a zone: {text!r}"
    return datetime.datetime.fromisoformat(text)


def parse_metrics(text):
    """Parses the Prometheus text format (0.0.4) strictly: returns ({family: type},
    [(name, {label: value}, value)]) or raises ValueError naming the bad line."""
    sample = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?[ \t]+(\S+)(?:[ \t]+-?\d+)?$")
    label = re.compile(r'[ \t]*([a-zA-Z_][a-zA-Z0-9_]*)[ \t]*=[ \t]*'
                       r'"((?:[^"\\\n]|\\.)*)"[ \t]*(,|$)')
    types, samples = {}, []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        if line.startswith("#"):
            words = line.split(None, 3)
            if len(words) > 1 and words[1] == "TYPE":
                if len(words) != 4 or words[3] not in (
                        "counter", "gauge", "histogram", "summary", "untyped"):
                    raise ValueError(f"line {number}: bad TYPE: {line!r}")
                if words[2] in types:
                    raise ValueError(f"line {number}: second TYPE for {words[2]}")
                types[words[2]] = words[3]
            elif len(words) > 1 and words[1] == "HELP" and len(words) < 3:
                raise ValueError(f"line {number}: HELP without a name: {line!r}")
            continue
        match = sample.match(line)
        if not match:
            raise ValueError(f"line {number}: not `name{{labels}} value`: {line!r}")
        name, label_text, value = match.groups()
        labels, pos = {}, 0
        while pos < len(label_text or ""):
            pair = label.match(label_text, pos)
            if not pair:
                raise ValueError(f"line {number}: bad labels: {line!r}")
            labels[pair.group(1)] = pair.group(2)
            pos = pair.end()
        family = re.sub(r"_(bucket|sum|count)$", "", name)
        if name not in types and types.get(family) not in ("histogram", "summary"):
            raise ValueError(f"line {number}: sample of {name} before (or without) its TYPE")
        try:
            samples.append((name, labels, float(value)))  # float() takes NaN, +Inf, -Inf
        except ValueError:
            raise ValueError(f"line {number}: bad value: {line!r}") from None
    return types, samples


def total(samples, metric, labels=None):
    """Sum of the samples of metric whose labels include the given ones."""
    wanted = (labels or {}).items()
    return sum(v for n, l, v in samples if n == metric and wanted <= l.items())


class Open311Test(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        t0 = hs.now().replace(microsecond=0)  # commands carry whole seconds
        cls.received_at = t0 - datetime.timedelta(hours=2)
        cls.dispatched_at = t0 - datetime.timedelta(minutes=90)

        def seed(hotline):
            cls.operator = hotline.add_token("li", "OPERATOR")
            cls.dispatcher = hotline.add_token("zhao", "DISPATCHER")
            hotline.apply(hs.directory_commands(t0 - datetime.timedelta(hours=3)) + [
                # Dispatched: the request whose agency and expected time are known.
                hs.command("s1", "T-SEED-1", cls.received_at, hs.OPERATOR,
                           hs.receive("道路破损", "人民路12号", SEED_CITIZEN)),
                hs.command("s2", "T-SEED-1", cls.dispatched_at, hs.DISPATCHER,
                           {"dispatch": {"leadUnit": "D02"}}),
                # Received only: open, no agency yet.
                hs.command("s3", "T-SEED-2", t0 - datetime.timedelta(minutes=80), hs.OPERATOR,
                           hs.receive("噪音扰民", "金城社区3栋", SEED_CITIZEN)),
                # Answered by the centre at once: the one closed request.
                hs.command("s4", "T-SEED-3", t0 - datetime.timedelta(minutes=70), hs.OPERATOR,
                           hs.receive("噪音扰民", "锦江区东大街", SEED_CITIZEN)),
                hs.command("s5", "T-SEED-3", t0 - datetime.timedelta(minutes=60), hs.DISPATCHER,
                           {"answerDirectly": {"answer": "已告知市民夜间施工许可情况。"}}),
            ])

        cls.hotline = hs.start(cls, HOTLINE, seed)

    # --- helpers -------------------------------------------------------------------

    def get(self, path, **query):
        """GET; every body the public side returns is checked for citizen data."""
        if query:
            path += "?" + urllib.parse.urlencode(query, safe=",")
        response = self.hotline.get(path)
        for text in (response.body, self.decoded(response)):
            for private in PRIVATE:
                self.assertFalse(private in text, f"citizen data {private!r} in GET {path}")
        return response

    @staticmethod
    def decoded(response):
        """The body with JSON \\u escapes undone, so an escaped 李四 is seen too."""
        try:
            return json.dumps(response.json(), ensure_ascii=False)
        except ValueError:
            return response.body

    def post(self, **fields):
        """POST requests.json: a valid request unless fields change it (None omits one)."""
        form = {"api_key": self.operator, "service_code": "noise", "lat": "30.657421",
                "long": "104.065735", "description": "楼下酒吧每晚噪音扰民到凌晨两点。"}
        form.update(fields)
        return self.hotline.post(f"{BASE}/requests.json",
                                 [(k, v) for k, v in form.items() if v is not None])

    def create(self, **fields):
        """A successful POST; returns the new service_request_id."""
        body = self.json_body(self.post(**fields), 200)
        self.assertIsInstance(body, list)
        self.assertEqual(len(body), 1, body)
        self.assertIn("service_notice", body[0])
        # Spec: a token "should not be returned if service_request_id is returned".
        self.assertNotIn("token", body[0])
        request_id = body[0]["service_request_id"]
        self.assertIsInstance(request_id, str)
        self.assertTrue(request_id)
        return request_id

    def json_body(self, response, status):
        self.assertEqual(response.status, status, response.body)
        self.assertTrue(response.content_type.startswith("application/json"),
                        response.content_type)
        return response.json()

    def assert_error(self, response, status):
        """Spec: an array of {code, description}; here code is the HTTP status."""
        errors = self.json_body(response, status)
        self.assertIsInstance(errors, list)
        self.assertTrue(errors)
        for error in errors:
            self.assertEqual(error.get("code"), status, errors)
            self.assertIsInstance(error.get("description"), str)
            self.assertTrue(error["description"].strip(), errors)

    def requests(self, **query):
        """GET requests.json; checks the shape of every request in it."""
        rows = self.json_body(self.get(f"{BASE}/requests.json", **query), 200)
        self.assertIsInstance(rows, list)
        for row in rows:
            self.assertIsInstance(row["service_request_id"], str)
            self.assertIn(row["status"], ("open", "closed"))
            self.assertEqual(row["service_name"], NAMES[row["service_code"]])
            self.assertLessEqual(instant(row["requested_datetime"]),
                                 instant(row["updated_datetime"]))
        return rows

    def request(self, request_id):
        rows = self.json_body(
            self.get(f"{BASE}/requests/{urllib.parse.quote(request_id, safe='')}.json"), 200)
        self.assertIsInstance(rows, list)
        self.assertEqual(len(rows), 1, rows)
        self.assertEqual(rows[0]["service_request_id"], request_id)
        return rows[0]

    @staticmethod
    def ids(rows):
        return {row["service_request_id"] for row in rows}

    def metrics(self):
        response = self.get("/metrics")
        self.assertEqual(response.status, 200, response.body)
        self.assertTrue(response.content_type.startswith("text/plain"), response.content_type)
        return parse_metrics(response.body)

    # --- services ----------------------------------------------------------------------

    def test_services_are_the_policy_categories(self):
        services = self.json_body(self.get(f"{BASE}/services.json"), 200)
        self.assertEqual(sorted(s["service_code"] for s in services), ["noise", "pothole"])
        for service in services:
            category = next(c for c in hs.CATEGORIES if c["code"] == service["service_code"])
            self.assertEqual(set(service), {"service_code", "service_name", "description",
                                            "metadata", "type", "keywords", "group"})
            self.assertEqual(service["service_name"], category["name"])
            self.assertIs(service["metadata"], False)
            self.assertEqual(service["type"], "realtime")
            self.assertEqual(service["keywords"], "")
            # A category without a description or group gives an empty one.
            self.assertEqual(service["description"] or "", category.get("description", ""))
            self.assertEqual(service["group"] or "", category.get("group", ""))

    # --- POST requests.json ---------------------------------------------------------------

    def test_post_with_coordinates_and_citizen_then_get_it(self):
        posted = hs.now()
        request_id = self.create(media_url="https://example.org/photos/1.jpg",
                                 **POSTED_CITIZEN)
        row = self.request(request_id)
        self.assertEqual(row["status"], "open")
        self.assertEqual(row["service_code"], "noise")
        self.assertEqual(row["service_name"], "噪音扰民")
        # WGS84 degrees come back as JSON numbers, as in the spec's examples.
        self.assertIsInstance(row["lat"], (int, float))
        self.assertIsInstance(row["long"], (int, float))
        self.assertAlmostEqual(row["lat"], 30.657421, places=6)
        self.assertAlmostEqual(row["long"], 104.065735, places=6)
        self.assertLess(abs(instant(row["requested_datetime"]) - posted),
                        datetime.timedelta(minutes=1))
        self.assertFalse(row.get("expected_datetime"), "not dispatched, so no deadline yet")

    def test_post_with_address_only(self):
        address = "成都市武侯区人民南路四段1号"
        row = self.request(self.create(lat=None, long=None, address_string=address))
        self.assertEqual(row["status"], "open")
        self.assertEqual(row["address"], address)
        # No coordinates were given: none may be made up (0,0 is a real place).
        self.assertIsNone(row.get("lat"))
        self.assertIsNone(row.get("long"))

    def test_refused_posts_answer_an_error_list_and_create_nothing(self):
        before = self.ids(self.requests())
        cases = [
            ("no api_key", 403, {"api_key": None}),
            ("unknown api_key", 403, {"api_key": "not-a-token"}),
            ("a DISPATCHER's token", 403, {"api_key": self.dispatcher}),
            ("unknown service_code", 400, {"service_code": "no-such-service"}),
            ("no service_code", 400, {"service_code": None}),
            ("no location", 400, {"lat": None, "long": None}),
            # Spec: lat & long "both need to be sent".
            ("lat without long", 400, {"long": None}),
            ("no description", 400, {"description": None}),
            ("empty description", 400, {"description": ""}),
        ]
        for name, status, fields in cases:
            with self.subTest(name):
                self.assert_error(self.post(**fields), status)
        self.assertEqual(self.ids(self.requests()), before)

    # --- GET requests -------------------------------------------------------------------

    def test_unknown_request_is_404(self):
        self.assert_error(self.get(f"{BASE}/requests/NO-SUCH-REQUEST.json"), 404)

    def test_filter_by_service_request_ids(self):
        first = self.create()
        second = self.create(lat=None, long=None, address_string="青羊区文庙前街")
        self.assertEqual(self.ids(self.requests(service_request_id=f"{first},{second}")),
                         {first, second})
        # Spec: service_request_id "overrides all other arguments".
        self.assertEqual(self.ids(self.requests(service_request_id=f"{first},{second}",
                                                status="closed")), {first, second})

    def test_filter_by_service_code(self):
        everything = self.ids(self.requests())
        potholes = self.requests(service_code="pothole")
        self.assertEqual(len(potholes), 1, potholes)  # the dispatched seed ticket
        noise = self.requests(service_code="noise")
        self.assertTrue(all(row["service_code"] == "noise" for row in noise))
        self.assertGreaterEqual(len(noise), 2)
        self.assertEqual(self.ids(potholes) | self.ids(noise), everything)
        # Spec: service_code "can be declared multiple times, comma delimited".
        self.assertEqual(self.ids(self.requests(service_code="noise,pothole")), everything)

    def test_filter_by_status(self):
        everything = self.ids(self.requests())
        opened = self.requests(status="open")
        closed = self.requests(status="closed")
        self.assertTrue(all(row["status"] == "open" for row in opened))
        self.assertTrue(all(row["status"] == "closed" for row in closed))
        self.assertEqual(len(closed), 1, closed)  # the seed ticket answered directly
        self.assertEqual(closed[0]["service_code"], "noise")
        self.assertFalse(self.ids(opened) & self.ids(closed))
        self.assertEqual(self.ids(opened) | self.ids(closed), everything)
        # Spec: status "can be declared multiple times, comma delimited".
        self.assertEqual(self.ids(self.requests(status="open,closed")), everything)

    def test_filter_by_dates(self):
        t = hs.now()
        everything = self.ids(self.requests())
        # The seed's earliest request is 2 hours old; every POST is newer.
        self.assertEqual(self.requests(start_date=hs.rfc3339(t + datetime.timedelta(hours=1))),
                         [])
        self.assertEqual(self.requests(end_date=hs.rfc3339(t - datetime.timedelta(hours=3))),
                         [])
        self.assertEqual(self.ids(self.requests(
            start_date=hs.rfc3339(t - datetime.timedelta(hours=3)),
            end_date=hs.rfc3339(t + datetime.timedelta(minutes=5)))), everything)

    def test_dispatched_request_names_its_agency_and_deadline(self):
        [row] = self.requests(service_code="pothole")
        self.assertEqual(row, self.request(row["service_request_id"]))
        self.assertEqual(row["status"], "open")
        self.assertEqual(row["agency_responsible"], hs.UNITS["D02"])
        self.assertEqual(instant(row["requested_datetime"]), self.received_at)
        self.assertGreaterEqual(instant(row["updated_datetime"]), self.dispatched_at)
        self.assertEqual(instant(row["expected_datetime"]), handle_deadline(self.dispatched_at))
        self.assertEqual(row["address"], "人民路12号")

    # --- health and metrics --------------------------------------------------------------

    def test_healthz(self):
        response = self.get("/healthz")
        self.assertEqual(response.status, 200)
        self.assertEqual(response.body.strip(), "ok")

    def test_metrics_exposition(self):
        types, samples = self.metrics()
        for name, kind in [
                ("hotline_commands_total", "counter"),
                ("hotline_timer_firings_total", "counter"),
                ("hotline_append_latency_seconds", "histogram"),
                ("hotline_group_commit_size", "histogram"),
                ("hotline_fsync_latency_seconds", "histogram"),
                ("hotline_events", "gauge"),
                ("hotline_open_tickets", "gauge"),
                ("hotline_overdue_deadlines", "gauge"),
                ("hotline_statistics_lag_events", "gauge")]:
            self.assertEqual(types.get(name), kind, name)
        for name, kind in types.items():
            if kind == "histogram":
                with self.subTest(name):
                    self.assert_histogram(name, samples)
        self.assertGreaterEqual(total(samples, "hotline_events"), SEED_EVENTS)
        self.assertGreaterEqual(total(samples, "hotline_open_tickets"), 2)
        self.assertGreaterEqual(total(samples, "hotline_statistics_lag_events"), 0)

    def assert_histogram(self, name, samples):
        """Buckets cumulative in le, ending at +Inf == _count, with a _sum, per series."""
        series = {}
        for sample_name, labels, value in samples:
            if sample_name == name + "_bucket":
                key = tuple(sorted((k, v) for k, v in labels.items() if k != "le"))
                series.setdefault(key, []).append((float(labels["le"]), value))
        self.assertTrue(series, f"{name} has no buckets")
        for key, buckets in series.items():
            buckets.sort()
            counts = [count for _, count in buckets]
            self.assertEqual(counts, sorted(counts), f"{name}{key} buckets not cumulative")
            self.assertEqual(buckets[-1][0], float("inf"), f"{name}{key} has no +Inf bucket")
            self.assertEqual(counts[-1], total(samples, name + "_count", dict(key)))
            self.assertTrue(any(n == name + "_sum" and dict(key).items() <= l.items()
                                for n, l, _ in samples), f"{name}{key} has no _sum")

    def test_metrics_count_a_post(self):
        _, before = self.metrics()
        self.create()
        # Gauges fed by projections may trail the append a little: poll briefly.
        deadline = time.monotonic() + 5
        while True:
            _, after = self.metrics()
            grown = (
                total(after, "hotline_commands_total", {"code": "OK"})
                >= total(before, "hotline_commands_total", {"code": "OK"}) + 1
                and total(after, "hotline_events") >= total(before, "hotline_events") + 1
                and total(after, "hotline_open_tickets")
                == total(before, "hotline_open_tickets") + 1
                and total(after, "hotline_append_latency_seconds_count")
                >= total(before, "hotline_append_latency_seconds_count") + 1)
            if grown or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        self.assertTrue(grown, "a POST must count an OK command, an appended event, an "
                               "open ticket and an append latency observation")


if __name__ == "__main__":
    serve_fixture.main(__doc__, globals())

"""What the HTTP tests add to serve_fixture: the seed commands, curl, setUpClass's serve.

The tests drive the real binary as a child process, so what they check is what an
Open311 client or a browser sees. The scripts that import this module run as
`/usr/bin/python3 tests/http/<name>_test.py --hotline PATH [unittest options]`.
"""

import datetime
import json
import subprocess

import serve_fixture  # on sys.path: the test scripts put tests/ there

CURL = "/usr/bin/curl"

# Business time of the hotline: the policy's default zone, Asia/Shanghai, which
# has no daylight saving time, so a fixed offset is exact.
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def rfc3339(t):
    """A UTC instant as RFC 3339 with a Z (no '+', which a query string would mangle)."""
    return t.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def now():
    return datetime.datetime.now(datetime.timezone.utc)


# The directory and policy both tests seed (ADMIN commands): two units and the two
# categories that become the Open311 services.
UNITS = {"D01": "住建局", "D02": "城管局"}
CATEGORIES = [
    {"code": "noise", "name": "噪音扰民", "description": "Noise", "group": "environment"},
    {"code": "pothole", "name": "道路破损"},
]


def directory_commands(at):
    admin = {"id": "admin", "role": "ADMIN"}
    commands = [{"commandId": f"unit-{unit}", "at": rfc3339(at), "actor": admin,
                 "registerUnit": {"unitId": unit, "name": name, "kind": "DEPARTMENT"}}
                for unit, name in UNITS.items()]
    commands.append({"commandId": "p1", "at": rfc3339(at), "actor": admin,
                     "publishPolicy": {"policy": {"categories": CATEGORIES}}})
    return commands


OPERATOR = {"id": "li", "role": "OPERATOR"}
DISPATCHER = {"id": "zhao", "role": "DISPATCHER"}


def receive(category, location, citizen, urgency="NORMAL"):
    """A phoned-in complaint: the payload of a receive command."""
    return {"receive": {"channel": "PHONE", "appealType": "COMPLAINT", "category": category,
                        "urgency": urgency, "title": f"{category}：{location}",
                        "content": f"市民反映{location}{category}，请尽快处理。",
                        "location": location, "citizen": citizen}}


def command(command_id, ticket_id, at, actor, payload):
    """One ticket command in the JSON of hotline.v1.Command; payload is {name: body}."""
    return {"commandId": command_id, "ticketId": ticket_id, "at": rfc3339(at),
            "actor": actor, **payload}


class Response:
    def __init__(self, status, content_type, body):
        self.status = status
        self.content_type = content_type
        self.body = body

    def json(self):
        return json.loads(self.body)


def curl(url, form=None):
    """GET url, or POST form (a list of (name, value), URL-encoded by curl) to it."""
    args = [CURL, "-s", "--max-time", "20", "-w", "\n%{http_code} %{content_type}"]
    for name, value in form or []:
        args += ["--data-urlencode", f"{name}={value}"]
    done = subprocess.run(args + [url], capture_output=True)
    if done.returncode != 0:
        raise AssertionError(f"curl {url} failed (exit {done.returncode}): {done.stderr!r}")
    out = done.stdout.decode("utf-8")
    # -w appends its line after the body; the body itself may hold newlines.
    body, _, trailer = out.rpartition("\n")
    status, _, content_type = trailer.partition(" ")
    return Response(int(status), content_type, body)


class Hotline(serve_fixture.Service):
    """The shared serve fixture, with the HTTP side's URL and curl calls."""

    @property
    def base(self):
        """http://host:port of the HTTP side, once started."""
        return f"http://{self.http_address}"

    def get(self, path):
        return curl(self.base + path)

    def post(self, path, form):
        return curl(self.base + path, form)


def start(test_class, binary, seed):
    """For setUpClass: seeds a new store with seed(hotline), serves it with the
    binary, and registers the cleanups (stop serve with SIGTERM and exit 0, then
    remove the directory) even if a step fails."""
    hotline = Hotline(binary)
    test_class.addClassCleanup(hotline.close)
    seed(hotline)
    hotline.start()
    test_class.addClassCleanup(hotline.stop)
    return hotline

"""The transparency log over HTTP: `hotline serve --checkpoint-key` serves the
signed checkpoint of its head and consistency proofs, which an auditor checks
with nothing but the verifier key (`hotline verify-proof`).

Run: /usr/bin/python3 tests/http/transparency_http_test.py --hotline build/tools/hotline/hotline
"""

import datetime
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import http_fixture as hs  # noqa: E402 (needs the path above)
import serve_fixture  # noqa: E402

HOTLINE = None  # the binary under test, set by serve_fixture.main()


class TransparencyHttpTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.hotline = hs.Hotline(HOTLINE)
        cls.addClassCleanup(cls.hotline.close)
        at = hs.now() - datetime.timedelta(hours=1)
        cls.hotline.apply(hs.directory_commands(at))
        key = os.path.join(cls.hotline.dir, "signer.key")
        made = cls.run_hotline("keygen", "--name", "centre.example", "--out", key)
        cls.verifier = made.stdout.strip()
        cls.operator = cls.hotline.add_token("op", "OPERATOR")
        cls.hotline.serve_args = ["--checkpoint-key", key]
        cls.hotline.start()
        cls.addClassCleanup(cls.hotline.stop)

    @classmethod
    def run_hotline(cls, *args, check=True):
        return subprocess.run([HOTLINE, *args], capture_output=True, text=True, check=check,
                              timeout=60)

    def save(self, name, text):
        path = os.path.join(self.hotline.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def test_the_served_checkpoint_verifies_and_proves_a_later_extension(self):
        old = self.hotline.get("/checkpoint")
        self.assertEqual(old.status, 200, old.body)
        lines = old.body.split("\n")
        self.assertTrue(lines[0].startswith("hotline/"), old.body)
        old_size = int(lines[1])
        self.assertIn("\n\n— centre.example ", old.body)
        old_path = self.save("old.cp", old.body)

        # The log grows (an Open311 request); the newer checkpoint must extend
        # the older one.
        post = self.hotline.post("/open311/v2/requests.json", [
            ("api_key", self.operator), ("service_code", "noise"), ("lat", "30.6"),
            ("long", "104.0"), ("description", "施工噪音")])
        self.assertEqual(post.status, 200, post.body)
        new = self.hotline.get("/checkpoint")
        new_path = self.save("new.cp", new.body)
        new_size = int(new.body.split("\n")[1])
        self.assertGreater(new_size, old_size)

        proof = self.hotline.get(f"/proof/consistency?from={old_size}&size={new_size}")
        self.assertEqual(proof.status, 200, proof.body)
        proof_path = self.save("consistency.json", proof.body)
        checked = self.run_hotline("verify-proof", "--verifier", self.verifier, "--checkpoint",
                                   new_path, "--consistency", old_path, "--proof", proof_path,
                                   check=False)
        self.assertEqual(checked.returncode, 0, checked.stdout + checked.stderr)

    def test_bad_proof_requests_are_refused(self):
        self.assertEqual(self.hotline.get("/proof/consistency?from=x").status, 400)
        self.assertEqual(self.hotline.get("/proof/consistency?from=0").status, 400)
        self.assertEqual(self.hotline.get("/proof/consistency?from=1&size=999999").status, 400)


if __name__ == "__main__":
    serve_fixture.main(__doc__, globals())

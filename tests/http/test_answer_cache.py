"""The answer cache and the heavy-request gate (issue 13), against the real server.

The answer cache (answer_cache_bytes) sends the same public question's answer again while
no public data changed: the same bytes as computed, and a new report is on the very next
answer. With answer_cache_bytes = 0 nothing is kept and every answer is computed. The
server says at stop how many answers it sent again. heavy_requests_max = 1 lets one
statistics question run at a time: many at once all still get their answer (the others
wait), and the gate is left by every one of them (a later question is not refused).
Python standard library only."""
import os
import re
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from trygg_server import TryggServer  # noqa: E402

MAP = "/api/v1/map/clusters?zoom=10&bbox=12.5,57.5,13.5,58"
LIST = "/api/v1/observations?limit=20&bbox=12.5,57.5,13.5,58"
STATS = "/api/v1/stats?period=year"
HOT = "/api/v1/stats/hotspots"
SERVED_AGAIN = re.compile(r"answer cache: (\d+) public answers sent again from it, (\d+) computed")


def served_again(log):
    m = SERVED_AGAIN.findall(log)
    return (int(m[-1][0]), int(m[-1][1])) if m else None


class AnswerCache(unittest.TestCase):
    def ask_each(self, srv, times):
        bodies = {}
        for path in (MAP, LIST, STATS, HOT):
            for _ in range(times):
                r = srv.request("GET", path)
                self.assertEqual(r.status, 200, (path, r))
                bodies.setdefault(path, set()).add(r.body)
        return bodies

    def test_the_same_question_is_answered_from_the_cache_until_a_report_is_filed(self):
        with TryggServer() as srv:
            self.assertEqual(srv.post_observation(lon=12.94, lat=57.72).status, 201)
            bodies = self.ask_each(srv, 4)
            for path, seen in bodies.items():
                self.assertEqual(len(seen), 1, path)  # the same bytes every time
            total = srv.request("GET", MAP).json()["total"]
            self.assertEqual(srv.post_observation(lon=12.95, lat=57.72).status, 201)
            after = srv.request("GET", MAP)
            self.assertEqual(after.json()["total"], total + 1)
            self.assertNotIn(after.body, bodies[MAP])
            listed = srv.request("GET", LIST).json()
            self.assertEqual(len(listed["features"]), min(20, total + 1))
            srv.stop()
            again, computed = served_again(srv.read_log())
            # each of the four questions computed once before the filing, then sent again
            # three times (and once more for the map's total); after it, map and list anew
            self.assertGreaterEqual(again, 4 * 3)
            self.assertGreaterEqual(computed, 4 + 2)

    def test_without_the_cache_every_answer_is_computed_and_still_the_same(self):
        with TryggServer(config_text="answer_cache_bytes = 0\n") as srv:
            self.assertEqual(srv.post_observation(lon=12.94, lat=57.72).status, 201)
            bodies = self.ask_each(srv, 3)
            for path, seen in bodies.items():
                self.assertEqual(len(seen), 1, path)
            total = srv.request("GET", MAP).json()["total"]
            self.assertEqual(srv.post_observation(lon=12.95, lat=57.72).status, 201)
            self.assertEqual(srv.request("GET", MAP).json()["total"], total + 1)
            srv.stop()
            self.assertIsNone(served_again(srv.read_log()))


class HeavyGate(unittest.TestCase):
    def test_one_at_a_time_still_answers_every_question(self):
        with TryggServer(config_text="heavy_requests_max = 1\nanswer_cache_bytes = 0\n") as srv:
            statuses, lock = [], threading.Lock()

            def ask(i):
                path = (STATS, HOT, "/api/v1/stats?period=month&by=area,category")[i % 3]
                for _ in range(5):
                    r = srv.request("GET", path, source="127.0.0.%d" % (10 + i))
                    with lock:
                        statuses.append(r.status)

            threads = [threading.Thread(target=ask, args=(i,)) for i in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            self.assertEqual(statuses, [200] * 40)
            # every one left the gate: the next question is answered at once
            self.assertEqual(srv.request("GET", STATS).status, 200)


if __name__ == "__main__":
    unittest.main()

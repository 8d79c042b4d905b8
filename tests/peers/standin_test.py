"""Tests of the Kubernetes API stand-in itself (tests/peers/standin/): that it answers as the real
versions it claims to emulate do. Standard library only; every test starts its own stand-in as a
subprocess on a free port and talks HTTP to it.

    python3 -m unittest tests/peers/standin_test.py
"""
import http.client, json, os, subprocess, sys, tempfile, time, unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TOKEN = "standin-test-token"
NS = "shop"


class Standin:
    def __init__(self, *args, objects=(), script=None):
        self.dir = tempfile.TemporaryDirectory()
        path = lambda name: os.path.join(self.dir.name, name)
        with open(path("preload.json"), "w") as f:
            json.dump([{"kind": "Namespace", "metadata": {"name": NS}}, *objects], f)
        cmd = [sys.executable, os.path.join(HERE, "kube_standin.py"), "--token", TOKEN, "--dump", path("dump.json"),
               "--log", path("log"), "--timeline", path("timeline"), "--preload", path("preload.json"), *args]
        if script is not None:
            with open(path("script.json"), "w") as f:
                json.dump(script, f)
            cmd += ["--script", path("script.json")]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("PORT "):
            self.proc.kill()
            raise RuntimeError(f"the stand-in said {line!r}: {self.proc.stderr.read()}")
        self.port = int(line.split()[1])

    def close(self):
        self.proc.kill()
        self.proc.wait()
        self.proc.stdout.close()
        self.proc.stderr.close()
        self.dir.cleanup()

    def request(self, method, path, body=None, headers=None, auth=True):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        h = {"Content-Type": "application/json", **({"Authorization": f"Bearer {TOKEN}"} if auth else {}),
             **(headers or {})}
        data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
        conn.request(method, path, body=data, headers=h)
        resp = conn.getresponse()
        raw = resp.read()
        conn.close()
        try:
            return resp.status, json.loads(raw) if raw else None
        except ValueError:
            return resp.status, raw.decode()

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def ok(self, method, path, body=None, **kw):
        code, reply = self.request(method, path, body, **kw)
        assert code < 300, (method, path, code, reply)
        return reply

    def control(self, action, step=None):
        return self.ok("POST", f"/_standin/{action}", step or {}, auth=False)

    def watch(self, path, limit=1, timeout=5, headers=None):
        """The first `limit` events of a watch (or fewer if it ends), as dicts."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        conn.request("GET", path, headers={"Authorization": f"Bearer {TOKEN}", **(headers or {})})
        resp = conn.getresponse()
        events = []
        try:
            while len(events) < limit:
                line = resp.readline()
                if not line:
                    break
                events.append(json.loads(line))
        finally:
            conn.close()
        return resp.status, events

    def items(self, path, **kw):
        return self.ok("GET", path, **kw)["items"]

    def pods(self, ns=NS):
        return self.items(f"/api/v1/namespaces/{ns}/pods")

    def events(self, ns=NS):
        return self.items(f"/api/v1/namespaces/{ns}/events")


def until(what, timeout=10.0, interval=0.02):
    """Polls what() until it returns something true; returns it (fails the test after timeout)."""
    deadline = time.time() + timeout
    while True:
        value = what()
        if value:
            return value
        if time.time() > deadline:
            raise AssertionError(f"still not so after {timeout}s: {what.__doc__ or what}")
        time.sleep(interval)


def deployment(name="web", tag="ready", replicas=1, **spec):
    container = {"name": "web", "image": f"registry.example/shop/web:{tag}", **spec.pop("container", {})}
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": NS},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": [container], **spec}}}}


def pod(name, tag="ready", cpu=None, labels=None, **spec):
    container = {"name": "app", "image": f"registry.example/shop/app:{tag}"}
    if cpu:
        container["resources"] = {"requests": {"cpu": cpu}}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": NS, "labels": labels or {}},
            "spec": {"containers": [container], **spec}}


def condition(obj, type_):
    return next((c for c in obj.get("status", {}).get("conditions", []) if c["type"] == type_), None)


def ready(obj):
    return (condition(obj, "Ready") or {}).get("status") == "True"


META_V1 = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1"
META_V1BETA1 = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1beta1"
META_LIST_V1 = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1"


class Case(unittest.TestCase):
    def start(self, *args, **kw):
        s = Standin(*args, **kw)
        self.addCleanup(s.close)
        return s


class ApiServer(Case):
    def test_version_per_profile(self):
        for emulate, git, minor in [("1.14", "v1.14.10", "14"), ("1.16", "v1.16.15", "16"),
                                    ("1.20", "v1.20.4-eks-6b7464", "20+"), ("1.33", "v1.33.2", "33")]:
            s = self.start("--emulate", emulate)
            version = s.ok("GET", "/version")
            self.assertEqual((version["gitVersion"], version["minor"], version["major"]), (git, minor, "1"))
        s = self.start("--emulate", "1.20", "--git-version", "v1.20.15")
        self.assertEqual(s.ok("GET", "/version")["gitVersion"], "v1.20.15")

    def test_ingress_group_version_per_profile(self):
        old = self.start("--emulate", "1.16")
        groups = {g["name"]: g["preferredVersion"]["version"] for g in old.ok("GET", "/apis")["groups"]}
        self.assertEqual(groups["networking.k8s.io"], "v1beta1")
        self.assertEqual(old.get("/apis/networking.k8s.io/v1")[0], 404)
        self.assertEqual(old.ok("GET", "/apis/networking.k8s.io/v1beta1")["resources"][0]["kind"], "Ingress")
        new = self.start("--emulate", "1.20")
        self.assertEqual(new.ok("GET", "/apis/networking.k8s.io/v1")["resources"][0]["kind"], "Ingress")

    def test_metadata_only_reads_406_on_114_and_served_from_116(self):
        old = self.start("--emulate", "1.14")
        path = f"/api/v1/namespaces/{NS}/configmaps"
        # Negotiation runs before the read: 406 for an object that does not exist too.
        code, reply = old.get(f"{path}/nothing", headers={"Accept": META_V1})
        self.assertEqual(code, 406, reply)
        self.assertEqual((reply["kind"], reply["reason"], reply["code"]), ("Status", "NotAcceptable", 406))
        self.assertIn("only the following media types are accepted", reply["message"])
        self.assertEqual(old.get(path, headers={"Accept": META_LIST_V1})[0], 406)
        old.ok("POST", path, {"metadata": {"name": "app"}, "data": {"k": "v"}})
        self.assertEqual(old.get(f"{path}/app", headers={"Accept": META_V1})[0], 406)
        reply = old.ok("GET", f"{path}/app", headers={"Accept": META_V1BETA1})
        self.assertEqual((reply["kind"], reply["apiVersion"]), ("PartialObjectMetadata", "meta.k8s.io/v1beta1"))
        self.assertNotIn("data", reply)
        # An Accept list with a fallback is negotiated as the real server does: the first clause it can serve.
        reply = old.ok("GET", f"{path}/app", headers={"Accept": f"{META_V1}, application/json"})
        self.assertEqual(reply["kind"], "ConfigMap")

        new = self.start("--emulate", "1.16")
        self.assertEqual(new.get(f"{path}/nothing", headers={"Accept": META_V1})[0], 404)
        new.ok("POST", path, {"metadata": {"name": "app", "labels": {"a": "b"}}, "data": {"k": "v"}})
        reply = new.ok("GET", f"{path}/app", headers={"Accept": META_V1})
        self.assertEqual((reply["kind"], reply["apiVersion"]), ("PartialObjectMetadata", "meta.k8s.io/v1"))
        self.assertEqual(reply["metadata"]["labels"], {"a": "b"})
        self.assertNotIn("data", reply)
        listed = new.ok("GET", path, headers={"Accept": META_LIST_V1})
        self.assertEqual(listed["kind"], "PartialObjectMetadataList")
        self.assertEqual([i["metadata"]["name"] for i in listed["items"]], ["app"])

    def test_bad_field_selector_is_400(self):
        s = self.start()
        code, reply = s.get(f"/api/v1/namespaces/{NS}/pods?fieldSelector=spec.foo%3Dbar")
        self.assertEqual((code, reply["reason"], reply["message"]), (400, "BadRequest", "field label not supported: spec.foo"))
        code, reply = s.get(f"/apis/apps/v1/namespaces/{NS}/deployments?fieldSelector=spec.replicas%3D1")
        self.assertEqual((code, reply["message"]), (400, '"spec.replicas" is not a known field selector: only '
                                                         '"metadata.name", "metadata.namespace"'))
        code, _ = s.get(f"/api/v1/namespaces/{NS}/pods?fieldSelector=spec.foo%3Dbar&watch=true")
        self.assertEqual(code, 400)
        for ok in ("status.phase%3DRunning", "spec.nodeName%3Dstandin-node,metadata.name!%3Dx"):
            self.assertEqual(s.get(f"/api/v1/namespaces/{NS}/pods?fieldSelector={ok}")[0], 200)
        self.assertEqual(s.get(f"/api/v1/namespaces/{NS}/events?fieldSelector=involvedObject.uid%3Dx")[0], 200)
        self.assertEqual(s.get("/api/v1/secrets?fieldSelector=type%3Dkubernetes.io/dockerconfigjson")[0], 200)

    def test_410_after_compaction_and_after_the_window_overflows(self):
        s = self.start("--watch-window", "5")
        path = f"/api/v1/namespaces/{NS}/configmaps"
        start_rv = int(s.ok("GET", path)["metadata"]["resourceVersion"])
        s.ok("POST", path, {"metadata": {"name": "one"}})
        code, events = s.watch(f"{path}?watch=true&resourceVersion={start_rv}")
        self.assertEqual((code, events[0]["type"], events[0]["object"]["metadata"]["name"]), (200, "ADDED", "one"))
        s.control("compact")
        code, events = s.watch(f"{path}?watch=true&resourceVersion={start_rv}")
        self.assertEqual(code, 200)
        self.assertEqual(events[0]["type"], "ERROR")
        gone = events[0]["object"]
        self.assertEqual((gone["kind"], gone["code"], gone["reason"]), ("Status", 410, "Expired"))
        self.assertRegex(gone["message"], rf"^too old resource version: {start_rv} \(\d+\)$")
        # A relist gives a resourceVersion to carry on from.
        fresh = s.ok("GET", path)["metadata"]["resourceVersion"]
        s.ok("POST", path, {"metadata": {"name": "two"}})
        _, events = s.watch(f"{path}?watch=true&resourceVersion={fresh}")
        self.assertEqual(events[0]["object"]["metadata"]["name"], "two")

        # Window of 5 ConfigMap events: 10 more push the first ones out.
        mark = int(s.ok("GET", path)["metadata"]["resourceVersion"])
        for i in range(10):
            s.ok("POST", path, {"metadata": {"name": f"cm-{i}"}})
        _, events = s.watch(f"{path}?watch=true&resourceVersion={mark}")
        self.assertEqual(events[0]["type"], "ERROR", events)
        self.assertEqual(events[0]["object"]["code"], 410)
        # Other kinds keep their own window.
        secrets = f"/api/v1/namespaces/{NS}/secrets"
        s.ok("POST", secrets, {"metadata": {"name": "s"}, "type": "Opaque"})
        _, events = s.watch(f"{secrets}?watch=true&resourceVersion={mark}")
        self.assertEqual(events[0]["type"], "ADDED")

    def test_old_profile_says_gone(self):
        s = self.start("--emulate", "1.14")
        s.control("compact")
        _, events = s.watch(f"/api/v1/namespaces/{NS}/configmaps?watch=true&resourceVersion=1")
        self.assertEqual((events[0]["object"]["code"], events[0]["object"]["reason"]), (410, "Gone"))

    def test_bookmarks_from_116_only(self):
        path = f"/api/v1/namespaces/{NS}/configmaps?watch=true&allowWatchBookmarks=true&timeoutSeconds=2"
        s = self.start("--emulate", "1.16")
        rv = s.ok("GET", f"/api/v1/namespaces/{NS}/configmaps")["metadata"]["resourceVersion"]
        _, events = s.watch(f"{path}&resourceVersion={rv}", timeout=5)
        self.assertEqual(events[0]["type"], "BOOKMARK")
        self.assertEqual(events[0]["object"]["kind"], "ConfigMap")
        old = self.start("--emulate", "1.14")
        rv = old.ok("GET", f"/api/v1/namespaces/{NS}/configmaps")["metadata"]["resourceVersion"]
        _, events = old.watch(f"{path.replace('timeoutSeconds=2', 'timeoutSeconds=1')}&resourceVersion={rv}", timeout=5)
        self.assertEqual(events, [], "1.14 ignores allowWatchBookmarks")

    def test_streaming_list_on_133_refused_on_120(self):
        query = "watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true"
        s = self.start()
        s.ok("POST", f"/api/v1/namespaces/{NS}/configmaps", {"metadata": {"name": "one"}})
        code, events = s.watch(f"/api/v1/namespaces/{NS}/configmaps?{query}", limit=2)
        self.assertEqual([e["type"] for e in events], ["ADDED", "BOOKMARK"])
        self.assertEqual(events[1]["object"]["metadata"]["annotations"], {"k8s.io/initial-events-end": "true"})
        old = self.start("--emulate", "1.20")
        code, reply = old.get(f"/api/v1/namespaces/{NS}/configmaps?{query}")
        self.assertEqual((code, reply["reason"]), (422, "Invalid"))
        self.assertIn("resourceVersionMatch is forbidden for watch", reply["message"])

    def test_close_watches_ends_every_stream(self):
        s = self.start()
        import threading
        result = {}

        def watch():
            result["events"] = s.watch(f"/api/v1/namespaces/{NS}/configmaps?watch=true&resourceVersion=0", limit=5)
        t = threading.Thread(target=watch)
        t.start()
        time.sleep(0.3)
        began = time.time()
        s.control("close-watches")
        t.join(5)
        self.assertFalse(t.is_alive())
        self.assertLess(time.time() - began, 2)

    def test_server_side_apply_conflict_force_and_114_refusal(self):
        s = self.start("--emulate", "1.33")
        path = f"/apis/apps/v1/namespaces/{NS}/deployments/web"
        apply = {"Content-Type": "application/apply-patch+yaml"}
        s.ok("PATCH", f"{path}?fieldManager=helm", deployment(replicas=1), headers=apply)
        s.ok("PATCH", f"{path}?fieldManager=kubectl-edit", {"spec": {"replicas": 3}},
             headers={"Content-Type": "application/merge-patch+json"})
        managers = {e["manager"]: e for e in s.ok("GET", path)["metadata"]["managedFields"]}
        self.assertEqual(managers["kubectl-edit"]["operation"], "Update")
        self.assertIn("f:replicas", managers["kubectl-edit"]["fieldsV1"]["f:spec"])
        self.assertNotIn("f:replicas", managers["helm"]["fieldsV1"]["f:spec"])
        code, reply = s.request("PATCH", f"{path}?fieldManager=helm", deployment(replicas=1), headers=apply)
        self.assertEqual(code, 409, reply)
        self.assertEqual(reply["reason"], "Conflict")
        self.assertEqual(reply["message"],
                         'Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas')
        self.assertEqual(reply["details"]["causes"][0]["field"], ".spec.replicas")
        # Applying the value the other manager set is no conflict (shared ownership).
        s.ok("PATCH", f"{path}?fieldManager=helm", deployment(replicas=3), headers=apply)
        s.ok("PATCH", f"{path}?fieldManager=kubectl-edit", {"spec": {"replicas": 4}},
             headers={"Content-Type": "application/merge-patch+json"})
        reply = s.ok("PATCH", f"{path}?fieldManager=helm&force=true", deployment(replicas=1), headers=apply)
        self.assertEqual(reply["spec"]["replicas"], 1)
        managers = {e["manager"]: e for e in reply["metadata"]["managedFields"]}
        self.assertIn("f:replicas", managers["helm"]["fieldsV1"]["f:spec"])
        self.assertNotIn("f:replicas", managers.get("kubectl-edit", {}).get("fieldsV1", {}).get("f:spec", {}))
        code, reply = s.request("PATCH", path, deployment(), headers=apply)
        self.assertEqual((code, reply["reason"]), (422, "Invalid"))

        old = self.start("--emulate", "1.14")
        code, reply = old.request("PATCH", f"{path}?fieldManager=helm", deployment(), headers=apply)
        self.assertEqual((code, reply["reason"]), (415, "UnsupportedMediaType"), reply)
        self.assertIn("application/strategic-merge-patch+json", reply["message"])


    def test_a_new_pod_is_pending_with_its_qos_class_whatever_status_was_sent(self):
        # pkg/registry/core/pod/strategy.go PrepareForCreate: the client's status is replaced.
        s = self.start()
        sent = pod("p", status={"phase": "Running"})
        sent["status"] = sent["spec"].pop("status")
        created = s.ok("POST", f"/api/v1/namespaces/{NS}/pods", sent)
        self.assertEqual(created["status"], {"phase": "Pending", "qosClass": "BestEffort"})
        self.assertEqual(s.ok("GET", f"/api/v1/namespaces/{NS}/pods/p")["status"]["phase"], "Pending")
        self.assertEqual(s.ok("POST", f"/api/v1/namespaces/{NS}/pods", pod("b", cpu="100m"))["status"]["qosClass"],
                         "Burstable")
        guaranteed = pod("g")
        guaranteed["spec"]["containers"][0]["resources"] = {"limits": {"cpu": "1", "memory": "1Gi"}}
        self.assertEqual(s.ok("POST", f"/api/v1/namespaces/{NS}/pods", guaranteed)["status"]["qosClass"],
                         "Guaranteed")


class Controllers(Case):
    def test_generation_moves_at_once_observed_generation_later(self):
        s = self.start("--controller-lag-ms", "300", "--ready-ms", "50")
        path = f"/apis/apps/v1/namespaces/{NS}/deployments"
        created = s.ok("POST", path, deployment())
        self.assertEqual(created["metadata"]["generation"], 1)
        self.assertNotIn("observedGeneration", created.get("status", {}))
        self.assertEqual(s.items(f"/apis/apps/v1/namespaces/{NS}/replicasets"), [], "no controller has acted yet")
        d = until(lambda: s.ok("GET", f"{path}/web").get("status", {}).get("readyReplicas") == 1
                  and s.ok("GET", f"{path}/web"))
        self.assertEqual((d["status"]["observedGeneration"], d["metadata"]["annotations"]
                          ["deployment.kubernetes.io/revision"]), (1, "1"))
        first_rs = s.items(f"/apis/apps/v1/namespaces/{NS}/replicasets")[0]
        self.assertEqual(first_rs["metadata"]["labels"]["pod-template-hash"], first_rs["metadata"]["name"].rsplit("-", 1)[1])

        d["spec"]["template"]["spec"]["containers"][0]["image"] = "registry.example/shop/web:ready-after-800"
        updated = s.ok("PUT", f"{path}/web", d)
        self.assertEqual(updated["metadata"]["generation"], 2)
        self.assertEqual(updated["status"]["observedGeneration"], 1, "the status still describes revision 1")
        self.assertEqual(updated["metadata"]["annotations"]["deployment.kubernetes.io/revision"], "1")
        d = until(lambda: s.ok("GET", f"{path}/web")["status"].get("observedGeneration") == 2 and s.ok("GET", f"{path}/web"))
        self.assertEqual(d["metadata"]["annotations"]["deployment.kubernetes.io/revision"], "2")
        # Rolling update: the old ReplicaSet's pod stays until the new one is ready.
        until(lambda: len(s.pods()) == 2)
        old_pods = [p for p in s.pods() if p["metadata"]["labels"]["pod-template-hash"] ==
                    first_rs["metadata"]["labels"]["pod-template-hash"]]
        self.assertEqual(len(old_pods), 1)
        self.assertTrue(ready(old_pods[0]))
        until(lambda: [p["spec"]["containers"][0]["image"] for p in s.pods()] == ["registry.example/shop/web:ready-after-800"],
              timeout=10)
        # The Deployment's status follows the ReplicaSets' (after the controllers' lag).
        until(lambda: (lambda st: (st.get("replicas"), st.get("updatedReplicas"), st.get("readyReplicas")) == (1, 1, 1))(
            s.ok("GET", f"{path}/web")["status"]))

    def test_replica_failure_clears_once_the_quota_frees_up(self):
        quota = {"kind": "ResourceQuota", "metadata": {"name": "compute", "namespace": NS},
                 "spec": {"hard": {"requests.cpu": "1"}}}
        s = self.start("--ready-ms", "50", objects=[quota])
        s.ok("POST", f"/apis/apps/v1/namespaces/{NS}/deployments",
             deployment(replicas=2, container={"resources": {"requests": {"cpu": "600m"}}}))
        rs = until(lambda: next((r for r in s.items(f"/apis/apps/v1/namespaces/{NS}/replicasets")
                                 if condition(r, "ReplicaFailure")), None))
        failure = condition(rs, "ReplicaFailure")
        self.assertEqual((failure["status"], failure["reason"]), ("True", "FailedCreate"))
        self.assertIn("exceeded quota: compute, requested: requests.cpu=600m, used: requests.cpu=600m, "
                      "limited: requests.cpu=1", failure["message"])
        self.assertTrue(any(e["reason"] == "FailedCreate" and e["type"] == "Warning" for e in s.events()))
        s.control("put", {"object": {**quota, "spec": {"hard": {"requests.cpu": "2"}}}})
        rs = until(lambda: next((r for r in s.items(f"/apis/apps/v1/namespaces/{NS}/replicasets")
                                 if not condition(r, "ReplicaFailure") and r["status"].get("replicas") == 2), None),
                   timeout=5)
        d = until(lambda: (lambda d: not condition(d, "ReplicaFailure") and d["status"].get("readyReplicas") == 2 and d)(
            s.ok("GET", f"/apis/apps/v1/namespaces/{NS}/deployments/web")))
        self.assertEqual(d["status"]["readyReplicas"], 2)

    def test_job_backoff_until_backoff_limit_exceeded(self):
        job = {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "migrate", "namespace": NS},
               "spec": {"backoffLimit": 2, "template": {"spec": {"restartPolicy": "Never", "containers": [
                   {"name": "m", "image": "registry.example/shop/migrate:job-fail"}]}}}}
        s = self.start("--backoff-scale", "0.02", "--emulate", "1.33")
        began = time.time()
        s.ok("POST", f"/apis/batch/v1/namespaces/{NS}/jobs", job)
        path = f"/apis/batch/v1/namespaces/{NS}/jobs/migrate"
        j = until(lambda: condition(s.ok("GET", path), "Failed") and s.ok("GET", path), timeout=15)
        took = time.time() - began
        failed = condition(j, "Failed")
        self.assertEqual((failed["reason"], failed["message"]),
                         ("BackoffLimitExceeded", "Job has reached the specified backoff limit"))
        self.assertEqual(j["status"]["failed"], 3, "backoffLimit 2: the third failure is one too many")
        types = [c["type"] for c in j["status"]["conditions"]]
        self.assertLess(types.index("FailureTarget"), types.index("Failed"), "1.33 adds FailureTarget first")
        # 3 runs of a second each and back-offs of 10 s and 20 s scaled by 0.02 (0.2 s + 0.4 s).
        self.assertGreater(took, 3.5)
        self.assertEqual(len(s.pods()), 3)

        old = self.start("--emulate", "1.20")
        old.ok("POST", f"/apis/batch/v1/namespaces/{NS}/jobs", {**job, "spec": {**job["spec"], "backoffLimit": 0}})
        j = until(lambda: condition(old.ok("GET", path), "Failed") and old.ok("GET", path), timeout=10)
        self.assertNotIn("FailureTarget", [c["type"] for c in j["status"]["conditions"]])

    def test_statefulset_ordered_and_daemonset_per_eligible_node(self):
        s = self.start("--nodes", "three", "--ready-ms", "150")
        s.ok("POST", f"/apis/apps/v1/namespaces/{NS}/statefulsets", {
            "kind": "StatefulSet", "metadata": {"name": "db"},
            "spec": {"replicas": 2, "serviceName": "db", "selector": {"matchLabels": {"app": "db"}},
                     "template": {"metadata": {"labels": {"app": "db"}}, "spec": {"containers": [
                         {"name": "db", "image": "registry.example/shop/db:ready"}]}}}})
        s.ok("POST", f"/apis/apps/v1/namespaces/{NS}/daemonsets", {
            "kind": "DaemonSet", "metadata": {"name": "agent"},
            "spec": {"selector": {"matchLabels": {"app": "agent"}},
                     "template": {"metadata": {"labels": {"app": "agent"}}, "spec": {"containers": [
                         {"name": "a", "image": "registry.example/shop/agent:ready"}]}}}})
        # OrderedReady: db-1 only once db-0 is ready.
        until(lambda: any(p["metadata"]["name"] == "db-0" for p in s.pods()))
        pods = {p["metadata"]["name"]: p for p in s.pods()}
        self.assertNotIn("db-1", pods)
        until(lambda: (lambda st: st.get("readyReplicas") == 2 and st["updatedReplicas"] == 2)(
            s.ok("GET", f"/apis/apps/v1/namespaces/{NS}/statefulsets/db")["status"]))
        ds = until(lambda: (lambda st: st.get("numberReady") == 2 and st)(
            s.ok("GET", f"/apis/apps/v1/namespaces/{NS}/daemonsets/agent")["status"]))
        self.assertEqual(ds["desiredNumberScheduled"], 2, "the control-plane node's taint keeps the agent off it")
        nodes = sorted(p["spec"]["nodeName"] for p in s.pods() if p["metadata"]["name"].startswith("agent-"))
        self.assertEqual(nodes, ["standin-worker-a", "standin-worker-b"])

    def test_job_fail_once_succeeds_on_retry(self):
        s = self.start("--ready-ms", "50")
        s.ok("POST", f"/apis/batch/v1/namespaces/{NS}/jobs", {
            "kind": "Job", "metadata": {"name": "once"},
            "spec": {"template": {"spec": {"restartPolicy": "Never", "containers": [
                {"name": "m", "image": "registry.example/shop/m:job-fail-once"}]}}}})
        j = until(lambda: (lambda j: condition(j, "Complete") and j)(s.ok("GET", f"/apis/batch/v1/namespaces/{NS}/jobs/once")),
                  timeout=10)
        self.assertEqual((j["status"].get("failed"), j["status"].get("succeeded")), (1, 1))


class Scheduler(Case):
    def failed_scheduling(self, s, name):
        def message():
            p = s.ok("GET", f"/api/v1/namespaces/{NS}/pods/{name}")
            c = condition(p, "PodScheduled")
            return c and c["status"] == "False" and c["message"]
        return until(message)

    def test_messages_per_profile_with_existing_pods_and_taints(self):
        want = {
            "1.14": "0/3 nodes are available: 1 node(s) had taints that the pod didn't tolerate, 2 Insufficient cpu.",
            "1.16": "0/3 nodes are available: 1 node(s) had taints that the pod didn't tolerate, 2 Insufficient cpu.",
            "1.20": "0/3 nodes are available: 1 node(s) had taint {node-role.kubernetes.io/master: }, that the pod "
                    "didn't tolerate, 2 Insufficient cpu.",
            "1.33": "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, "
                    "2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for "
                    "scheduling, 2 No preemption victims found for incoming pod..",
        }
        for emulate, message in want.items():
            s = self.start("--emulate", emulate, "--nodes", "three")
            # worker-a has 2 cpu, of which kube-system pods use 200m: 1900m would fit an empty worker-a.
            s.ok("POST", f"/api/v1/namespaces/{NS}/pods", pod("big", cpu="1900m"))
            self.assertEqual(self.failed_scheduling(s, "big"), message, emulate)
            event = until(lambda: next((e for e in s.events() if e["reason"] == "FailedScheduling"), None))
            self.assertEqual((event["type"], event["message"]), ("Warning", message))
            self.assertTrue(event["involvedObject"]["uid"])
            if emulate in ("1.20", "1.33"):
                # events.k8s.io writer, seen through core/v1.
                self.assertEqual((event["firstTimestamp"], event["lastTimestamp"]), (None, None))
                self.assertTrue(event["eventTime"])
                self.assertEqual(event["reportingComponent"], "default-scheduler")
            else:
                self.assertTrue(event["firstTimestamp"])
                self.assertEqual(event["source"]["component"], "default-scheduler")
            s.ok("POST", f"/api/v1/namespaces/{NS}/pods", pod("fits", cpu="1500m"))
            p = until(lambda: s.ok("GET", f"/api/v1/namespaces/{NS}/pods/fits")["spec"].get("nodeName"))
            self.assertEqual(p, "standin-worker-a")
        # Tolerating the taint: the control-plane node takes it.
        s = self.start("--nodes", "three")
        s.ok("POST", f"/api/v1/namespaces/{NS}/pods", pod("tolerant", cpu="1900m", tolerations=[
            {"key": "node-role.kubernetes.io/control-plane", "operator": "Exists", "effect": "NoSchedule"}]))
        node = until(lambda: s.ok("GET", f"/api/v1/namespaces/{NS}/pods/tolerant")["spec"].get("nodeName"))
        self.assertEqual(node, "standin-control-plane")

    def test_node_selector_and_one_node_default(self):
        s = self.start()
        s.ok("POST", f"/api/v1/namespaces/{NS}/pods", pod("picky", nodeSelector={"disk": "ssd"}))
        self.assertEqual(self.failed_scheduling(s, "picky"), "0/1 nodes are available: 1 node(s) didn't match Pod's "
                         "node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for "
                         "scheduling..")
        # The scheduler tries again (back-off 1 s, doubling): through events.k8s.io a repeat is a series.
        event = until(lambda: next((e for e in s.events() if e["reason"] == "FailedScheduling"
                                    and e.get("series")), None), timeout=5)
        self.assertGreaterEqual(event["series"]["count"], 2)
        self.assertNotIn("count", event)
        s.ok("POST", f"/api/v1/namespaces/{NS}/pods", pod("huge", cpu="2"))
        self.assertEqual(self.failed_scheduling(s, "huge"), "0/1 nodes are available: 1 Insufficient cpu. preemption: "
                         "0/1 nodes are available: 1 No preemption victims found for incoming pod..")

    def test_pvc_bind_after_and_pod_waits_for_it(self):
        claim = {"kind": "PersistentVolumeClaim", "metadata": {"name": "data", "namespace": NS, "annotations": {
            "standin.deckhand.test/bind-after-ms": "700"}}, "spec": {"accessModes": ["ReadWriteOnce"],
                                                                  "resources": {"requests": {"storage": "1Gi"}}}}
        s = self.start("--ready-ms", "50")
        s.ok("POST", f"/api/v1/namespaces/{NS}/persistentvolumeclaims", claim)
        s.ok("POST", f"/api/v1/namespaces/{NS}/pods", pod("db", volumes=[
            {"name": "data", "persistentVolumeClaim": {"claimName": "data"}}]))
        self.assertEqual(self.failed_scheduling(s, "db"), "0/1 nodes are available: pod has unbound immediate "
                         "PersistentVolumeClaims. preemption: 0/1 nodes are available: 1 Preemption is not helpful for "
                         "scheduling..")
        until(lambda: ready(s.ok("GET", f"/api/v1/namespaces/{NS}/pods/db")), timeout=5)
        pvc = s.ok("GET", f"/api/v1/namespaces/{NS}/persistentvolumeclaims/data")
        self.assertEqual(pvc["status"]["phase"], "Bound")
        self.assertEqual(s.ok("GET", f"/api/v1/persistentvolumes/{pvc['spec']['volumeName']}")["status"]["phase"], "Bound")

        old = self.start("--emulate", "1.14")
        old.ok("POST", f"/api/v1/namespaces/{NS}/persistentvolumeclaims", {**claim, "metadata": {"name": "data"}})
        old.ok("POST", f"/api/v1/namespaces/{NS}/pods", pod("db", volumes=[
            {"name": "data", "persistentVolumeClaim": {"claimName": "data"}}]))
        self.assertEqual(self.failed_scheduling(old, "db"), "pod has unbound immediate PersistentVolumeClaims")

    def test_volume_zone_conflict(self):
        pv = {"kind": "PersistentVolume", "metadata": {"name": "pv-a"}, "spec": {"nodeAffinity": {"required": {
            "nodeSelectorTerms": [{"matchExpressions": [{"key": "topology.kubernetes.io/zone", "operator": "In",
                                                         "values": ["zone-b"]}]}]}}}, "status": {"phase": "Bound"}}
        pvc = {"kind": "PersistentVolumeClaim", "metadata": {"name": "data", "namespace": NS},
               "spec": {"volumeName": "pv-a"}, "status": {"phase": "Bound"}}
        s = self.start("--emulate", "1.20", objects=[pv, pvc])
        s.ok("POST", f"/api/v1/namespaces/{NS}/pods", pod("db", volumes=[
            {"name": "data", "persistentVolumeClaim": {"claimName": "data"}}]))
        self.assertEqual(self.failed_scheduling(s, "db"), "0/1 nodes are available: 1 node(s) had volume node affinity "
                         "conflict.")


class Kubelet(Case):
    def test_back_off_pulling_is_a_normal_event_failed_to_pull_a_warning(self):
        s = self.start()
        s.ok("POST", f"/api/v1/namespaces/{NS}/pods", pod("p", "pull-missing"))
        back_off = until(lambda: next((e for e in s.events() if e["reason"] == "BackOff"), None))
        self.assertEqual((back_off["type"], back_off["message"]),
                         ("Normal", 'Back-off pulling image "registry.example/shop/app:pull-missing"'))
        failed = next(e for e in s.events() if e["message"].startswith("Failed to pull image"))
        self.assertEqual(failed["type"], "Warning")
        self.assertIn(": not found", failed["message"])
        self.assertTrue(all(e["involvedObject"]["uid"] for e in s.events()))
        waiting = s.ok("GET", f"/api/v1/namespaces/{NS}/pods/p")["status"]["containerStatuses"][0]["state"]["waiting"]
        self.assertEqual(waiting["reason"], "ImagePullBackOff")

    def test_crio_wording(self):
        s = self.start("--runtime", "crio")
        s.ok("POST", f"/api/v1/namespaces/{NS}/pods", pod("p", "pull-missing"))
        failed = until(lambda: next((e for e in s.events() if e["message"].startswith("Failed to pull image")), None))
        self.assertIn("reading manifest pull-missing in registry.example/shop/app: manifest unknown", failed["message"])

    def test_pull_never_invalid_name_and_flaky_pull(self):
        s = self.start("--ready-ms", "50")
        s.ok("POST", f"/api/v1/namespaces/{NS}/pods", pod("never", "pull-never"))
        s.ok("POST", f"/api/v1/namespaces/{NS}/pods", {**pod("upper"), "spec": {"containers": [
            {"name": "a", "image": "registry.example/Shop/App:1.0"}]}})
        s.ok("POST", f"/api/v1/namespaces/{NS}/pods", pod("flaky", "pull-flaky-800"))

        def waiting(name):
            cs = s.ok("GET", f"/api/v1/namespaces/{NS}/pods/{name}")["status"].get("containerStatuses") or [{}]
            return cs[0].get("state", {}).get("waiting", {})
        self.assertEqual(until(lambda: waiting("never").get("reason") == "ErrImageNeverPull" and waiting("never"))["message"],
                         'Container image "registry.example/shop/app:pull-never" is not present with pull policy of Never')
        self.assertIn("repository name must be lowercase",
                      until(lambda: waiting("upper").get("reason") == "InvalidImageName" and waiting("upper"))["message"])
        self.assertIn("i/o timeout", until(lambda: waiting("flaky").get("reason") == "ErrImagePull" and waiting("flaky"))["message"])
        until(lambda: waiting("flaky").get("reason") == "ImagePullBackOff")
        until(lambda: ready(s.ok("GET", f"/api/v1/namespaces/{NS}/pods/flaky")))
        self.assertEqual(waiting("never")["reason"], "ErrImageNeverPull", "permanent")

    def test_secret_that_appears_later(self):
        script = [{"since": f"created Pod {NS}/web-*", "after_ms": 800, "do": "put",
                   "object": {"kind": "Secret", "metadata": {"name": "app-env", "namespace": NS},
                              "data": {"K": "dg=="}}}]
        s = self.start("--ready-ms", "50", script=script)
        s.ok("POST", f"/apis/apps/v1/namespaces/{NS}/deployments",
             deployment(container={"envFrom": [{"secretRef": {"name": "app-env"}}]}))

        def state():
            pods = s.pods()
            return pods and (pods[0]["status"].get("containerStatuses") or [{}])[0].get("state", {})
        self.assertEqual(until(lambda: state() and state().get("waiting", {}).get("reason") == "CreateContainerConfigError"
                               and state())["waiting"]["message"], 'secret "app-env" not found')
        d = until(lambda: (lambda d: d["status"].get("readyReplicas") == 1 and d)(
            s.ok("GET", f"/apis/apps/v1/namespaces/{NS}/deployments/web")), timeout=8)
        self.assertEqual(d["status"]["availableReplicas"], 1)
        retries = next(e for e in s.events() if e["message"] == 'Error: secret "app-env" not found')
        self.assertGreaterEqual(retries["count"], 1)

    def test_crash_until_a_dependency_is_ready(self):
        s = self.start("--ready-ms", "50")
        s.ok("POST", f"/api/v1/namespaces/{NS}/pods", pod("api", "crash-until-db"))

        def status():
            return s.ok("GET", f"/api/v1/namespaces/{NS}/pods/api")["status"]
        until(lambda: (status().get("containerStatuses") or [{}])[0].get("restartCount", 0) >= 2)
        self.assertEqual(status()["containerStatuses"][0]["lastState"]["terminated"]["exitCode"], 1)
        s.ok("POST", f"/api/v1/namespaces/{NS}/pods", pod("db-0", labels={"app.kubernetes.io/name": "db"}))
        until(lambda: ready(s.ok("GET", f"/api/v1/namespaces/{NS}/pods/api")), timeout=6)


class Interface(Case):
    def test_a_script_step_timed_from_the_first_watch_of_a_kind(self):
        script = [{"since": "watch ConfigMap", "after_ms": 100, "do": "put",
                   "object": {"kind": "ConfigMap", "metadata": {"name": "late", "namespace": NS}}}]
        s = self.start(script=script)
        time.sleep(0.3)
        self.assertEqual(s.get(f"/api/v1/namespaces/{NS}/configmaps/late")[0], 404, "armed, not yet run")
        rv = s.ok("GET", f"/api/v1/namespaces/{NS}/configmaps")["metadata"]["resourceVersion"]
        _, events = s.watch(f"/api/v1/namespaces/{NS}/configmaps?watch=true&resourceVersion={rv}", limit=1)
        self.assertEqual([(e["type"], e["object"]["metadata"]["name"]) for e in events], [("ADDED", "late")])

    def test_control_port_and_script_delete(self):
        s = Standin("--control-port", "0")
        self.addCleanup(s.close)
        line = s.proc.stdout.readline()
        self.assertTrue(line.startswith("CONTROL "), line)
        control = int(line.split()[1])
        conn = http.client.HTTPConnection("127.0.0.1", control, timeout=5)
        conn.request("POST", "/_standin/put", json.dumps({"object": {"kind": "ConfigMap", "metadata": {
            "name": "c", "namespace": NS}}}))
        self.assertEqual(conn.getresponse().status, 200)
        conn.close()
        self.assertEqual(s.ok("GET", f"/api/v1/namespaces/{NS}/configmaps/c")["metadata"]["name"], "c")
        s.control("delete", {"kind": "ConfigMap", "namespace": NS, "name": "c"})
        self.assertEqual(s.get(f"/api/v1/namespaces/{NS}/configmaps/c")[0], 404)
        self.assertEqual(s.get(f"/api/v1/namespaces/{NS}/configmaps/c", auth=False)[0], 401)


if __name__ == "__main__":
    unittest.main()

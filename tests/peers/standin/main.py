"""Options, start-up and the servers."""
import argparse, json, ssl, threading

from . import admission, api, controllers, kubelet, profiles, scheduler, script, store


def parse_args(argv=None):
    p = argparse.ArgumentParser(description="A stand-in for a Kubernetes API server (tests only).")
    p.add_argument("--token", required=True)
    p.add_argument("--emulate", choices=sorted(profiles.PROFILES), default="1.33",
                   help="the Kubernetes version whose behaviour to emulate (default 1.33)")
    p.add_argument("--git-version", help="overrides only the version strings of /version")
    p.add_argument("--preload", help="JSON list of objects to start with")
    p.add_argument("--dump", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--timeline")
    p.add_argument("--ready-ms", type=int, default=300)
    p.add_argument("--port", type=int, default=0)
    # client-go sends no credentials to a plain-http server, so helm needs TLS.
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--watch-window", type=int, default=100, help="watch events kept per resource type")
    p.add_argument("--controller-lag-ms", type=int, default=30)
    p.add_argument("--nodes", default="one", help="one | three | a JSON file of Node (and Pod) objects")
    p.add_argument("--backoff-scale", type=float, default=0.01, help="scales the Job pod failure back-off")
    p.add_argument("--script", help="JSON list of scripted happenings")
    p.add_argument("--runtime", choices=("containerd", "crio"), default="containerd")
    p.add_argument("--control-port", type=int,
                   help="also serve /_standin/<do> in plain HTTP on this port (0: any), printed as CONTROL <n>")
    # Real clusters' resourceVersions are large numbers (etcd revisions), and their digits show in
    # messages such as 410's "too old resource version: 1403031 (1403079)".
    p.add_argument("--initial-resource-version", type=int, default=100)
    return p.parse_args(argv)


def node(name, cpu, memory, labels=None, taints=None):
    resources = {"cpu": cpu, "memory": memory, "pods": "110", "ephemeral-storage": "50Gi"}
    return {"kind": "Node", "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name,
                                                                  "kubernetes.io/os": "linux", **(labels or {})}},
            "spec": {"taints": taints} if taints else {},
            "status": {"allocatable": resources, "capacity": resources,
                       "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady",
                                       "message": "kubelet is posting ready status"}],
                       "nodeInfo": {"kubeletVersion": store.profile["version"]["gitVersion"],
                                    "containerRuntimeVersion": "cri-o://1.30.0" if store.args.runtime == "crio"
                                    else "containerd://1.7.20"}}}


def system_pod(name, node_name, cpu=None, memory=None):
    requests = {k: v for k, v in (("cpu", cpu), ("memory", memory)) if v}
    return {"kind": "Pod", "metadata": {"name": name, "namespace": "kube-system",
                                        "labels": {"component": name.rsplit("-", 1)[0]}},
            "spec": {"nodeName": node_name, "containers": [{"name": name.split("-")[0], "image": f"registry.k8s.io/{name}:ready",
                                                             "resources": {"requests": requests} if requests else {}}]},
            "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}],
                       "containerStatuses": [{"name": name.split("-")[0], "ready": True, "restartCount": 0,
                                              "state": {"running": {}}}]}}


def nodes_and_pods(spec):
    if spec == "one":
        # Today's single node: what the existing tests expect (cpu 1500m, memory 4Gi).
        return [node("standin-node", "1500m", "4Gi")], []
    if spec == "three":
        taint = store.profile["control_plane_taint"]
        cp, a, b = "standin-control-plane", "standin-worker-a", "standin-worker-b"
        nodes = [node(cp, "4", "8Gi", {taint: ""}, [{"key": taint, "effect": "NoSchedule"}]),
                 node(a, "2", "4Gi"), node(b, "1", "2Gi")]
        pods = [system_pod(f"etcd-{cp}", cp, "100m", "100Mi"), system_pod(f"kube-apiserver-{cp}", cp, "250m"),
                system_pod(f"kube-controller-manager-{cp}", cp, "200m"), system_pod(f"kube-scheduler-{cp}", cp, "100m"),
                system_pod("coredns-5d78c9869d-a1b2c", a, "100m", "70Mi"),
                system_pod("metrics-server-6d94bc8694-x7k2p", a, "100m", "200Mi"),
                system_pod("coredns-5d78c9869d-d3e4f", b, "100m", "70Mi")]
        for n in (cp, a, b):
            pods.append(system_pod(f"kube-proxy-{n[-5:]}", n))
        return nodes, pods
    with open(spec) as f:
        items = json.load(f)
    nodes = [o for o in items if o["kind"] == "Node"]
    for n in nodes:
        n.setdefault("status", {}).setdefault("conditions", [{"type": "Ready", "status": "True"}])
    return nodes, [o for o in items if o["kind"] != "Node"]


def main(argv=None):
    store.args = args = parse_args(argv)
    store.rv[0] = args.initial_resource_version
    store.profile = profiles.PROFILES[args.emulate]
    store.serve([(g, store.profile["ingress_version"] if plural == "ingresses" else v, plural, kind, ns)
                 for g, v, plural, kind, ns in store.RESOURCES])
    kubelet.start_listener()
    controllers.start()
    with store.lock:
        nodes, extra = nodes_and_pods(args.nodes)
        for obj in nodes:
            store.put(obj)
        for obj in extra:
            if obj.get("metadata", {}).get("namespace") and \
                    ("Namespace", "", obj["metadata"]["namespace"]) not in store.objects:
                store.put({"kind": "Namespace", "metadata": {"name": obj["metadata"]["namespace"]},
                           "status": {"phase": "Active"}})
            store.put(obj)
        if args.preload:
            with open(args.preload) as f:
                for item in json.load(f):
                    admission.admit(item, None)
                    store.put(item)
        script.load(args.script)
        store.dump()
    scheduler.start()

    server = api.Server(("127.0.0.1", args.port), api.Handler)
    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    said = f"PORT {server.server_address[1]}\n"
    if args.control_port is not None:
        control = api.Server(("127.0.0.1", args.control_port), api.ControlHandler)
        threading.Thread(target=control.serve_forever, daemon=True).start()
        said += f"CONTROL {control.server_address[1]}\n"
    # One write: a reader that takes only the first line and closes the pipe loses nothing.
    print(said, end="", flush=True)
    server.serve_forever()

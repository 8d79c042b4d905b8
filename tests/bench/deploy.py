"""chart-deploy vs helm on the Kubernetes API stand-in; see deploy.sh."""
import argparse, json, os, statistics, subprocess, sys, tempfile, time

p = argparse.ArgumentParser()
p.add_argument("--bin", required=True)
p.add_argument("--peers", required=True)
p.add_argument("--runs", type=int, default=8)
# (stand-in profile, helm) pairs, each measured in full: an old cluster with the old helm its users
# run, and a current one.
p.add_argument("--profiles", default="1.14:3.5.4,1.33:3.17.3")
p.add_argument("--grace", type=int, default=10, help="seconds of --grace for the grace-period cost")
args = p.parse_args()
root = os.getcwd()
work = tempfile.mkdtemp()
helm = None  # set per profile
ours = os.path.join(args.bin, "chart-deploy")
chart = os.path.join(root, "tests/fixtures/charts/web")
env = dict(os.environ, HELM_CONFIG_HOME=f"{work}/h/c", HELM_CACHE_HOME=f"{work}/h/k", HELM_DATA_HOME=f"{work}/h/d",
           NO_COLOR="1")


def sh(*cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{work}/ca.key", "-out", f"{work}/ca.pem",
   "-days", "2", "-subj", "/CN=bench-ca")
sh("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{work}/tls.key", "-out", f"{work}/tls.csr", "-subj",
   "/CN=localhost")
open(f"{work}/ext", "w").write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
sh("openssl", "x509", "-req", "-in", f"{work}/tls.csr", "-CA", f"{work}/ca.pem", "-CAkey", f"{work}/ca.key",
   "-CAcreateserial", "-out", f"{work}/tls.pem", "-days", "2", "-extfile", f"{work}/ext")


class Standin:
    count = 0
    emulate = "1.33"

    def __init__(self):
        Standin.count += 1
        d = f"{work}/s{Standin.count}"
        os.makedirs(d)
        json.dump([{"kind": "Namespace", "metadata": {"name": "shop"}}], open(f"{d}/pre.json", "w"))
        self.timeline = f"{d}/timeline"
        self.proc = subprocess.Popen(
            [sys.executable, "tests/peers/kube_standin.py", "--token", "bench", "--dump", f"{d}/dump.json", "--log",
             f"{d}/log", "--timeline", self.timeline, "--preload", f"{d}/pre.json", "--tls-cert", f"{work}/tls.pem",
             "--tls-key", f"{work}/tls.key", "--emulate", Standin.emulate], stdout=subprocess.PIPE, text=True)
        port = self.proc.stdout.readline().split()[1]
        self.kubeconfig = f"{d}/kubeconfig"
        open(self.kubeconfig, "w").write(
            f"apiVersion: v1\nkind: Config\ncurrent-context: s\nclusters:\n- name: s\n  cluster:\n"
            f"    server: https://127.0.0.1:{port}\n    certificate-authority: {work}/ca.pem\n"
            f"contexts:\n- name: s\n  context: {{cluster: s, user: u}}\nusers:\n- name: u\n  user: {{token: bench}}\n")

    def last(self, what):
        times = [float(line.split()[0]) for line in open(self.timeline) if what in line]
        return max(times)

    def stop(self):
        self.proc.kill()


def timed(cmd, kubeconfig):
    start = time.time()
    code = subprocess.run(cmd, env=dict(env, KUBECONFIG=kubeconfig), stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode
    return start, time.time(), code


def deploy_cmd(*extra):
    return [ours, chart, "--release", "web", "-n", "shop", "--helm", helm, *extra]


def helm_cmd(*extra):
    return [helm, "upgrade", "--install", "web", chart, "-n", "shop", *extra]


def measure(profile, helm_version):
    global helm
    helm = os.path.join(args.peers, f"helm-{helm_version}")
    Standin.emulate = profile
    # 1. Last pod Ready -> exit.
    # The pods' delay varies across runs so that the pods turn ready at every phase of helm's 2 s poll.
    latency = {"chart-deploy": [], "helm --wait": []}
    # The stand-in's controllers act 30 ms after each change (as informers and work queues do), so
    # the Deployment's status says "complete" some 60 ms after the last pod turned Ready (the
    # ReplicaSet's status, then the Deployment's): from there on the time is the step's own.
    own = []
    for run in range(args.runs):
        tag = f"image.tag=ready-after-{1000 + run * 2000 // args.runs}"
        for name, cmd in [("chart-deploy", deploy_cmd("--timeout", "60s", "--set", tag)),
                          ("helm --wait", helm_cmd("--wait", "--timeout", "60s", "--set", tag))]:
            s = Standin()
            _, end, code = timed(cmd, s.kubeconfig)
            assert code == 0, (name, code)
            latency[name].append(end - s.last("pod-ready"))
            if name == "chart-deploy":
                own.append(end - s.last("deployment-complete"))
            s.stop()

    # 2. A pod in ImagePullBackOff (final: the image does not exist): time to a report.
    pull = {"chart-deploy": [], "helm --wait": []}
    helm_timeout = 20
    for name, cmd, runs in [("chart-deploy", deploy_cmd("--timeout", f"{helm_timeout}s", "--set", "image.tag=pull-missing"), args.runs),
                            ("helm --wait", helm_cmd("--wait", "--timeout", f"{helm_timeout}s", "--set", "image.tag=pull-missing"), 1)]:
        for _ in range(runs):
            s = Standin()
            start, end, code = timed(cmd, s.kubeconfig)
            assert code != 0, name
            pull[name].append(end - start)
            s.stop()

    # 3. The grace period's cost: a crash loop (transient: real clusters may recover) reported with
    # --grace 0 and with --grace N.
    crash = {}
    for grace in (0, args.grace):
        s = Standin()
        start, end, code = timed(deploy_cmd("--timeout", "5m", "--grace", f"{grace}s", "--set", "image.tag=crash"), s.kubeconfig)
        assert code == 7, code
        crash[grace] = end - start
        s.stop()

    # 4. Overhead over a bare `helm upgrade --install` (no wait), on one stand-in.
    s = Standin()
    subprocess.run(helm_cmd(), env=dict(env, KUBECONFIG=s.kubeconfig), check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["hyperfine", "-N", "--style", "none", "--warmup", "2", "--runs", "15", "--export-json", f"{work}/o.json",
                    "-n", "helm upgrade --install", " ".join(helm_cmd()),
                    "-n", "chart-deploy --no-preflight", " ".join(deploy_cmd("--no-preflight", "-q")),
                    "-n", "chart-deploy (with pre-flight)", " ".join(deploy_cmd("-q"))],
                   env=dict(env, KUBECONFIG=s.kubeconfig), check=True, stdout=subprocess.DEVNULL)
    s.stop()
    overhead = {r["command"]: statistics.median(r["times"]) for r in json.load(open(f"{work}/o.json"))["results"]}

    ms = lambda x: f"{x * 1000:,.0f} ms"
    print(f"\nKubernetes {profile} profile, helm {helm_version}:\n")
    print(f"| measure | chart-deploy | helm {helm_version} | ratio |")
    print("|---|---|---|---|")
    a, b = statistics.median(latency["chart-deploy"]), statistics.median(latency["helm --wait"])
    print(f"| last pod Ready -> exit (median of {args.runs}; helm --wait) | {ms(a)} (max {ms(max(latency['chart-deploy']))}) "
          f"| {ms(b)} (max {ms(max(latency['helm --wait']))}) | {b / a:.0f}x sooner |")
    print(f"| Deployment status complete -> exit (median of {args.runs}) | {ms(statistics.median(own))} (max {ms(max(own))}) "
          "| | the step's own share |")
    a, b = statistics.median(pull["chart-deploy"]), pull["helm --wait"][0]
    print(f"| image not found reported (helm --wait --timeout {helm_timeout}s) | {ms(a)} (max {ms(max(pull['chart-deploy']))}) "
          f"| {ms(b)} (its timeout; no reason given) | {b / a:.0f}x sooner |")
    print(f"| crash loop reported, --grace 0 / --grace {args.grace}s | {ms(crash[0])} / {ms(crash[args.grace])} | "
          f"never (waits out --timeout) | grace costs {ms(crash[args.grace] - crash[0])} |")
    bare = overhead["helm upgrade --install"]
    for name in ["chart-deploy --no-preflight", "chart-deploy (with pre-flight)"]:
        print(f"| {name}, no wait, vs bare helm upgrade --install (median of 15) | {ms(overhead[name])} | {ms(bare)} "
              f"| +{ms(overhead[name] - bare)} |")


for pair in args.profiles.split(","):
    profile, helm_version = pair.split(":")
    measure(profile, helm_version)
print()
for step in ["chart-deploy", "pull-secret"]:
    size = os.path.getsize(os.path.join(args.bin, step)) / 2**20
    print(f"| {step} binary (static, stripped) | {size:.1f} MiB | helm: {os.path.getsize(helm) / 2**20:.0f} MiB | |")

"""The pretend kubelet (and container runtime) of every node: it runs the pods bound to a node, and
the image tag of a pod's first container picks their fate:

  ready (default; ready after --ready-ms), ready-after-<ms>, unready, never / stall (stay
  ContainerCreating), pull-missing, pull-denied, pull-never (ErrImageNeverPull, permanent),
  pull-flaky-<ms> (ErrImagePull with a network error, ImagePullBackOff, then pulled after <ms>),
  crash, oom, crash-until-<name> (crash-loops until a Ready pod labelled
  app.kubernetes.io/name=<name> or app=<name> is in the namespace), job-fail, job-fail-once.

From the objects: an image reference with upper-case letters in its repository -> InvalidImageName;
a missing Secret/ConfigMap (env, envFrom) -> CreateContainerConfigError, retried about every
second (pkg/kubelet/kubelet.go syncPod back-off), the container starts once it exists.

Texts: pkg/kubelet/images/image_manager.go ("Back-off pulling image %q" is an event of type
Normal, "Failed to pull image %q: %v" Warning, ErrImageNeverPull "Container image %q is not present
with pull policy of Never", InvalidImageName "Failed to apply default image tag %q: %v");
pkg/kubelet/kuberuntime/kuberuntime_container.go ("Back-off restarting failed container");
runtime errors in containerd's form (--runtime crio: CRI-O's).
"""
import random, re

from . import events, store

started = set()  # uids of pods the kubelet has taken up
job_attempts = {}  # job uid -> pods started for it (job-fail-once)


def behaviour_of(pod):
    containers = pod["spec"].get("containers", [])
    image = containers[0].get("image", "") if containers else ""
    return image.rsplit(":", 1)[1] if ":" in image.rsplit("/", 1)[-1] else "ready"


def image_of(pod):
    containers = pod["spec"].get("containers", [])
    return containers[0].get("image", "") if containers else ""


def pod_key(pod):
    return ("Pod", pod["metadata"]["namespace"], pod["metadata"]["name"])


def current(key, uid):
    pod = store.objects.get(key)
    return pod if pod and pod["metadata"]["uid"] == uid else None


def after(seconds, fn, pod, *a):
    key, uid = pod_key(pod), pod["metadata"]["uid"]

    def run():
        p = current(key, uid)
        if p:
            fn(p, *a)
    store.later(seconds, run)


def split_image(image):
    name = image.rsplit("@", 1)[0]
    repo, tag = (name.rsplit(":", 1) if ":" in name.rsplit("/", 1)[-1] else (name, "latest"))
    registry, _, path = repo.partition("/") if "/" in repo and ("." in repo.split("/")[0] or ":" in repo.split("/")[0]) \
        else ("docker.io", "", repo if "/" in repo else "library/" + repo)
    return registry, path, tag


def pull_error(image, what):
    registry, path, tag = split_image(image)
    if store.args.runtime == "crio":
        return {
            "missing": f"rpc error: code = Unknown desc = reading manifest {tag} in {registry}/{path}: manifest unknown: "
                       "manifest unknown",
            "denied": f"rpc error: code = Unknown desc = reading manifest {tag} in {registry}/{path}: "
                      "unauthorized: authentication required",
            "network": f'rpc error: code = Unknown desc = pinging container registry {registry}: Get '
                       f'"https://{registry}/v2/": dial tcp 10.96.0.53:443: i/o timeout',
        }[what]
    return {
        "missing": f'rpc error: code = NotFound desc = failed to pull and unpack image "{image}": failed to resolve '
                   f'reference "{image}": {image}: not found',
        "denied": f'rpc error: code = Unknown desc = failed to pull and unpack image "{image}": failed to resolve '
                  f'reference "{image}": pull access denied, repository does not exist or may require authorization: '
                  "server message: insufficient_scope: authorization failed",
        "network": f'rpc error: code = Unknown desc = failed to pull and unpack image "{image}": failed to resolve '
                   f'reference "{image}": failed to do request: Head "https://{registry}/v2/{path}/manifests/{tag}": '
                   "dial tcp 10.96.0.53:443: i/o timeout",
    }[what]


def missing_config(pod):
    ns = pod["metadata"]["namespace"]
    for c in pod["spec"].get("containers", []):
        refs = [("secret", e["secretRef"]["name"], e["secretRef"].get("optional"))
                for e in c.get("envFrom") or [] if "secretRef" in e]
        refs += [("configmap", e["configMapRef"]["name"], e["configMapRef"].get("optional"))
                 for e in c.get("envFrom") or [] if "configMapRef" in e]
        for env in c.get("env") or []:
            source = env.get("valueFrom") or {}
            if "secretKeyRef" in source:
                refs.append(("secret", source["secretKeyRef"]["name"], source["secretKeyRef"].get("optional")))
            if "configMapKeyRef" in source:
                refs.append(("configmap", source["configMapKeyRef"]["name"], source["configMapKeyRef"].get("optional")))
        for kind, name, optional in refs:
            if not optional and (("Secret" if kind == "secret" else "ConfigMap"), ns, name) not in store.objects:
                return f'{kind} "{name}" not found'
    return None


def set_container(pod, state, ready, **extra):
    for cs in pod["status"].get("containerStatuses", [])[:1]:
        cs["state"], cs["ready"] = state, ready
        cs.update(extra)


def first_status(pod):
    return pod["status"]["containerStatuses"][0]


def wait_state(pod, reason, message, event_reason=None, event_message=None, event_type="Warning"):
    set_container(pod, {"waiting": {"reason": reason, "message": message}}, False)
    store.put(pod)
    if event_reason:
        events.event(pod, event_reason, event_message, event_type)


def on_change(type_, old, new):
    if new is None or new["kind"] != "Pod":
        return
    if new["spec"].get("nodeName") and new["metadata"]["uid"] not in started and \
            new.get("status", {}).get("phase", "Pending") == "Pending":
        started.add(new["metadata"]["uid"])
        # The kubelet learns of the binding through its own watch: a moment later.
        after(0.01, take_up, new)


def take_up(pod):
    pod.setdefault("status", {})
    pod["status"].setdefault("phase", "Pending")
    pod["status"]["hostIP"] = "10.0.0.1"
    pod["status"]["startTime"] = store.now()
    pod["status"]["containerStatuses"] = [
        {"name": c["name"], "image": c.get("image", ""), "imageID": "", "ready": False, "restartCount": 0,
         "started": False, "state": {"waiting": {"reason": "ContainerCreating"}}}
        for c in pod["spec"].get("containers", [])]
    store.set_condition(pod, "Initialized", "True")
    store.set_condition(pod, "Ready", "False", "ContainersNotReady",
                        f"containers with unready status: [{' '.join(c['name'] for c in pod['spec'].get('containers', []))}]")
    store.set_condition(pod, "ContainersReady", "False", "ContainersNotReady",
                        pod["status"]["conditions"][-1]["message"])
    store.put(pod)
    start(pod)


def start(pod):
    image = image_of(pod)
    registry, path, _ = split_image(image)
    if re.search(r"[A-Z]", image.rsplit("@", 1)[0].rsplit(":", 1)[0] if ":" in image.rsplit("/", 1)[-1]
                 else image):
        message = (f'Failed to apply default image tag "{image}": couldn\'t parse image reference "{image}": '
                   "invalid reference format: repository name must be lowercase")
        wait_state(pod, "InvalidImageName", message, "InspectFailed", message)
        return
    missing = missing_config(pod)
    if missing:
        wait_state(pod, "CreateContainerConfigError", missing, "Failed", f"Error: {missing}")
        after(1.0, retry_config, pod)
        return
    pull(pod)


def retry_config(pod):
    missing = missing_config(pod)
    if missing:
        events.event(pod, "Failed", f"Error: {missing}")
        after(1.0, retry_config, pod)
        return
    set_container(pod, {"waiting": {"reason": "ContainerCreating"}}, False)
    store.put(pod)
    pull(pod)


def pull(pod):
    behaviour, image = behaviour_of(pod), image_of(pod)
    if behaviour == "pull-never":
        message = f'Container image "{image}" is not present with pull policy of Never'
        wait_state(pod, "ErrImageNeverPull", message, "ErrImageNeverPull", message)
    elif behaviour in ("pull-missing", "pull-denied") or behaviour.startswith("pull-flaky-"):
        what = {"pull-missing": "missing", "pull-denied": "denied"}.get(behaviour, "network")
        message = pull_error(image, what)
        events.event(pod, "Pulling", f'Pulling image "{image}"', "Normal")
        after(0.1, wait_state, pod, "ErrImagePull", message, "Failed", f'Failed to pull image "{image}": {message}')
        after(0.3, wait_state, pod, "ImagePullBackOff", f'Back-off pulling image "{image}"', "BackOff",
              f'Back-off pulling image "{image}"', "Normal")
        if behaviour.startswith("pull-flaky-"):
            after(int(behaviour[len("pull-flaky-"):]) / 1000, pulled, pod)
    else:
        pulled(pod)


def pulled(pod):
    behaviour, image = behaviour_of(pod), image_of(pod)
    if behaviour.startswith("pull-flaky-"):
        events.event(pod, "Pulled", f'Successfully pulled image "{image}"', "Normal")
        set_container(pod, {"waiting": {"reason": "ContainerCreating"}}, False)
        store.put(pod)
        behaviour = "ready"
    if behaviour in ("crash", "oom", "job-fail", "job-fail-once") or behaviour.startswith("crash-until-"):
        if behaviour == "job-fail-once":
            owner = store.controller_of(pod)
            job = store.get(*owner) if owner else None
            uid = job["metadata"]["uid"] if job else pod["metadata"]["uid"]
            job_attempts[uid] = job_attempts.get(uid, 0) + 1
            if job_attempts[uid] > 1:
                return run_ready(pod)
        container_events(pod)
        store.pod_logs[pod["metadata"]["uid"]] = ("starting web 1.0\nlistening on :8080\n"
                                                  "connecting to database db:5432\n"
                                                  "fatal: cannot connect to database db:5432: connection refused\n")
        after(0.1, run_state, pod, False)
        # A failing Job runs for a second, so that a test sees its "running" progress line even on a
        # loaded machine; crashes may be seen at any stage.
        after(1.0 if behaviour.startswith("job-fail") else 0.25, terminated, pod, behaviour)
    elif behaviour not in ("never", "stall"):
        run_ready(pod)


def container_events(pod):
    image, name = image_of(pod), pod["spec"]["containers"][0]["name"]
    if behaviour_of(pod).startswith("pull-flaky-"):
        pass  # "Successfully pulled" said already
    else:
        events.event(pod, "Pulled", f'Container image "{image}" already present on machine', "Normal")
    events.event(pod, "Created", f"Created container {name}", "Normal")
    events.event(pod, "Started", f"Started container {name}", "Normal")


def run_ready(pod):
    container_events(pod)
    behaviour = behaviour_of(pod)
    delay = int(behaviour[len("ready-after-"):]) if behaviour.startswith("ready-after-") else store.args.ready_ms
    store.pod_logs[pod["metadata"]["uid"]] = "starting web 1.0\nlistening on :8080\n"
    after(delay / 1000, run_state, pod, behaviour != "unready")


def run_state(pod, ready):
    key = pod_key(pod)
    owner = store.controller_of(pod)
    if owner and owner[0] == "Job" and ready:
        # A Job's pod completes instead of staying ready.
        return finish_job_pod(pod)
    pod["status"]["phase"] = "Running"
    pod["status"]["podIP"] = "10.0.0.%d" % random.randint(2, 250)
    pod["status"]["podIPs"] = [{"ip": pod["status"]["podIP"]}]
    set_container(pod, {"running": {"startedAt": store.now()}}, ready, started=True)
    store.set_condition(pod, "PodScheduled", "True")
    store.set_condition(pod, "ContainersReady", "True" if ready else "False",
                        None if ready else "ContainersNotReady")
    store.set_condition(pod, "Ready", "True" if ready else "False", None if ready else "ContainersNotReady")
    store.put(pod)
    if ready:
        store.timeline(f"pod-ready {key[1]}/{key[2]}")


def terminated(pod, behaviour):
    key = pod_key(pod)
    code, reason = (137, "OOMKilled") if behaviour == "oom" else (1, "Error")
    last = {"terminated": {"exitCode": code, "reason": reason, "startedAt": store.now(), "finishedAt": store.now()}}
    name = pod["spec"]["containers"][0]["name"]
    if behaviour.startswith("job-fail") or pod["spec"].get("restartPolicy") == "Never":
        pod["status"]["phase"] = "Failed"
        set_container(pod, last, False)
        store.set_condition(pod, "Ready", "False", "PodFailed")
        store.put(pod)
        return
    restarts = 2 if behaviour in ("crash", "oom") else first_status(pod).get("restartCount", 0) + 1
    set_container(pod, {"waiting": {"reason": "CrashLoopBackOff", "message":
                                    f"back-off {10 * 2 ** max(0, restarts - 1)}s restarting failed container={name} "
                                    f"pod={key[2]}_{key[1]}"}},
                  False, lastState=last, restartCount=restarts)
    store.put(pod)
    events.event(pod, "BackOff", "Back-off restarting failed container")
    if behaviour.startswith("crash-until-"):
        # The real back-off (10 s doubling, capped at 5 min) shortened for tests.
        after(min(0.2 * 2 ** (restarts - 1), 2.0), restart, pod, behaviour[len("crash-until-"):])


def dependency_ready(ns, name):
    for p in store.of_kind("Pod", ns):
        labels = p["metadata"].get("labels", {})
        if (labels.get("app.kubernetes.io/name") == name or labels.get("app") == name) and store.has_condition(p, "Ready"):
            return True
    return False


def restart(pod, name):
    if dependency_ready(pod["metadata"]["namespace"], name):
        store.pod_logs[pod["metadata"]["uid"]] += f"connected to {name}\n"
        return run_state(pod, True)
    store.pod_logs[pod["metadata"]["uid"]] = (f"starting web 1.0\nconnecting to {name}\n"
                                              f"fatal: cannot connect to {name}: connection refused\n")
    pod["status"]["phase"] = "Running"
    set_container(pod, {"running": {"startedAt": store.now()}}, False, started=True)
    store.put(pod)
    after(0.1, terminated, pod, f"crash-until-{name}")


def finish_job_pod(pod):
    pod["status"]["phase"] = "Succeeded"
    set_container(pod, {"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": store.now(),
                                       "finishedAt": store.now()}}, False)
    store.set_condition(pod, "Ready", "False", "PodCompleted")
    store.put(pod)
    owner = store.controller_of(pod)
    store.timeline(f"job-complete {pod['metadata']['namespace']}/{owner[2] if owner else pod['metadata']['name']}")


def start_listener():
    store.listeners.append(on_change)

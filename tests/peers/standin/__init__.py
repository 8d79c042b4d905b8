"""A STAND-IN for a Kubernetes API server, for tests only: no kube-apiserver can run on these
machines (no k3s, kind or container images). It is not Kubernetes. It serves enough of the API,
with the real API's shapes and rules, version by version (--emulate 1.14|1.16|1.20|1.33), for the
real helm CLI (3.x and 4.x) and Deckhand's kube client, with pretend controllers, scheduler and
kubelet that work asynchronously as the real ones do. See README.md here for what is emulated,
from which source, and what is not.
"""
from .main import main  # noqa: F401

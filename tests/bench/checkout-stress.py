"""Stress run of checkout-guard exec (a script, not a test): 200 guarded git operations on one
workspace from 8 parallel workers while a killer SIGKILLs random git processes working there.
Counts the operations that failed for another reason than being killed, and the stale locks the
guard removed. Every writer here is guarded, so --stale-after 0s: under the guard a lock that no
process holds open is a dead writer's (the threshold protects against unguarded writers).
Usage: python3 tests/bench/checkout-stress.py target/debug/checkout-guard [--unguarded]
(--unguarded runs the same git commands bare, for comparison)."""
import os, random, re, signal, subprocess, sys, tempfile, threading, time

guard = os.path.abspath(sys.argv[1])
unguarded = "--unguarded" in sys.argv
work = tempfile.mkdtemp()
origin, ws = f"{work}/origin", f"{work}/ws"
env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@e", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@e")
run = lambda *a, **k: subprocess.run(a, env=env, check=True, capture_output=True, **k)
os.makedirs(origin)
run("git", "-C", origin, "init", "-q", "-b", "main")
for i in range(200):
    open(f"{origin}/f{i}.txt", "w").write(f"{i}\n" * 200)
run("git", "-C", origin, "add", ".")
run("git", "-C", origin, "commit", "-q", "-m", "c0")
run("git", "-C", origin, "checkout", "-q", "-b", "dev")
for i in range(200):
    open(f"{origin}/f{i}.txt", "a").write("dev\n")
run("git", "-C", origin, "commit", "-q", "-am", "dev")
run("git", "clone", "-q", origin, ws)

# Checkouts are forced, as Jenkins' git plugin does (a killed checkout leaves the worktree half-updated).
OPS = [["fetch", "-q", "origin"], ["checkout", "-q", "-f", "-B", "w", "origin/dev"], ["checkout", "-q", "-f", "-B", "w", "origin/main"],
       ["reset", "-q", "--hard", "origin/dev"], ["status", "--short"]]
results, removed, lock = [], [0], threading.Lock()
stop = threading.Event()


def worker(n, count):
    for i in range(count):
        op = OPS[(n + i) % len(OPS)]
        wrap = [] if unguarded else [guard, "exec", "--dir", ws, "--stale-after", "0s", "--wait", "5m", "--"]
        p = subprocess.run([*wrap, "git", "-C", ws, *op], env=env, capture_output=True, text=True)
        with lock:
            results.append((p.returncode, op[0], p.stderr.strip()[-300:]))
            removed[0] += len(re.findall(r"^warning: removed ", p.stderr, re.M))


def killer():
    while not stop.is_set():
        time.sleep(random.uniform(0.05, 0.4))
        victims = []
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                cmd = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")
            except OSError:
                continue
            if cmd and cmd[0].endswith(b"git") and ws.encode() in cmd:
                victims.append(int(pid))
        if victims:
            try:
                os.kill(random.choice(victims), signal.SIGKILL)  # a positive pid only
            except ProcessLookupError:
                pass


k = threading.Thread(target=killer)
k.start()
start = time.time()
threads = [threading.Thread(target=worker, args=(n, 25)) for n in range(8)]
[t.start() for t in threads]
[t.join() for t in threads]
stop.set()
k.join()
elapsed = time.time() - start
killed = [r for r in results if r[0] in (128 + 9, -9)]
failed = [r for r in results if r[0] not in (0, 128 + 9, -9)]
lock_failures = [r for r in failed if ".lock" in r[2]]
ok = subprocess.run(["git", "-C", ws, "status", "--short"], capture_output=True).returncode == 0
print(f"| {'unguarded' if unguarded else 'guarded'} git operations | {len(results)} (8 workers) |")
print(f"| succeeded | {len(results) - len(killed) - len(failed)} |")
print(f"| SIGKILLed mid-operation (exit 137) | {len(killed)} |")
print(f"| other failures | {len(failed)} ({len(lock_failures)} on a lock file) |")
print(f"| stale locks removed by the next guarded run | {removed[0]} |")
print(f"| workspace usable afterwards (git status) | {'yes' if ok else 'NO'} |")
print(f"| wall time | {elapsed:.1f} s |")
for r in failed[:5]:
    print("failure:", r, file=sys.stderr)

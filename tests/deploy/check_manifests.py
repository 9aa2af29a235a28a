#!/usr/bin/env python3
"""deploy/kubernetes/ must stay runnable: the manifests parse, the Job is an Indexed Job whose
shards all run at once on nodes of their own with guaranteed CPUs, every flag it passes is one
`stressql run` has, the ConfigMap's script passes `stressql check`, and the Dockerfile builds
with the README's commands. (Kubernetes and docker cannot run here; this is what can be
checked without them.)

usage: check_manifests.py SOURCE_DIR STRESSQL_BINARY
"""
import os
import re
import subprocess
import sys
import tempfile

import yaml

source, binary = sys.argv[1], sys.argv[2]
deploy = os.path.join(source, "deploy", "kubernetes")
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)


def load(name):
    with open(os.path.join(deploy, name)) as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


(config,) = load("configmap.yaml")
(job,) = load("job.yaml")
check(config["kind"] == "ConfigMap", "configmap.yaml holds a ConfigMap")
check(job["kind"] == "Job" and job["apiVersion"] == "batch/v1", "job.yaml holds a batch/v1 Job")

spec = job["spec"]
n = spec["completions"]
check(spec.get("completionMode") == "Indexed", "the Job is an Indexed Job")
check(spec.get("parallelism") == n, "parallelism = completions: every shard runs at once")
pod = spec["template"]["spec"]
(container,) = pod["containers"]
args = container["args"]
check(args[0] == "run", "the container runs `stressql run`")
check("--shard" in args and args[args.index("--shard") + 1] == "auto/%d" % n,
      "--shard auto/N with N = completions")
check("--test-id" in args, "a shared --test-id")
res = container["resources"]
check(res["requests"] == res["limits"], "requests = limits (guaranteed QoS)")
check(re.fullmatch(r"\d+", str(res["requests"]["cpu"])) is not None, "whole CPUs, so reactors can be pinned")
anti = pod["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
check(anti[0]["topologyKey"] == "kubernetes.io/hostname", "anti-affinity: one shard per node")
labels = spec["template"]["metadata"]["labels"]
check(all(labels.get(k) == v for k, v in anti[0]["labelSelector"]["matchLabels"].items()),
      "the anti-affinity selects the shards' own pods")

# Every flag the Job passes is one `stressql run` has.
help_text = subprocess.run([binary, "run", "--help"], capture_output=True, text=True).stdout
known = set(re.findall(r"(--[a-z][a-z0-9-]*)", help_text))
for a in args:
    if a.startswith("--"):
        check(a in known, "stressql run has no flag " + a)

# The script's path is the ConfigMap's key at the mount point, and it parses.
mount = [m for m in container["volumeMounts"] if m["name"] == "script"][0]["mountPath"]
(key,) = config["data"].keys()
check(args[-1] == mount + "/" + key, "the script argument is the ConfigMap's file")
with tempfile.NamedTemporaryFile("w", suffix=".iql", delete=False) as f:
    f.write(config["data"][key])
checked = subprocess.run([binary, "check", f.name], capture_output=True, text=True)
os.unlink(f.name)
check(checked.returncode == 0, "the ConfigMap's script passes stressql check: " + checked.stderr)

# The image builds on Debian 12 with scripts/setup and the README's build commands.
with open(os.path.join(deploy, "Dockerfile")) as f:
    docker = f.read()
with open(os.path.join(source, "README.md")) as f:
    readme = f.read()
check(re.search(r"^FROM debian:12 AS build$", docker, re.M) is not None, "build stage on Debian 12")
check(re.search(r"^FROM debian:12-slim$", docker, re.M) is not None, "run stage on Debian 12")
check("RUN scripts/setup" in docker, "the image installs with scripts/setup")
for command in ("cmake --preset release", "cmake --build --preset release"):
    check(command in docker and command in readme, "README and Dockerfile both build with: " + command)

for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)

#!/usr/bin/env python3
"""deploy/kubernetes/Dockerfile's runtime stage installs exactly the Debian packages that hold
the shared libraries the stressql binary needs, so the image starts.

Each NEEDED entry of the binary (readelf -d) is resolved to a file (ldconfig -p) and that file
to its package (dpkg -S) on this machine, which builds the binary the way the image's build
stage does (Debian 12 with scripts/setup). The rule:
  runtime packages = packages of the NEEDED libraries
                     - {libc6, libgcc-s1, libstdc++6}  (every debian:12-slim has them: apt,
                                                        in the base image, depends on them)
                     + {ca-certificates}               (not a library: HTTPS needs it)

usage: check_runtime_packages.py SOURCE_DIR STRESSQL_BINARY
"""
import os
import re
import subprocess
import sys

IN_BASE_IMAGE = {"libc6", "libgcc-s1", "libstdc++6"}
NOT_A_LIBRARY = {"ca-certificates"}

source, binary = sys.argv[1], sys.argv[2]


def needed(path):
    out = subprocess.run(["readelf", "-d", path], capture_output=True, text=True, check=True).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)


def library_file(name):
    out = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=True).stdout
    found = []  # (flags, path): 64-bit entries first, as the binary is
    for line in out.splitlines():
        m = re.match(r"\s*(\S+) \(([^)]*)\) => (\S+)", line)
        if m and m.group(1) == name:
            found.append((0 if "64" in m.group(2) else 1, m.group(3)))
    if not found:
        sys.exit("FAIL: no file for NEEDED %s (ldconfig -p)" % name)
    return sorted(found)[0][1]


def package(path):
    # Debian 12 is usr-merged: dpkg knows a file by the path its package ships.
    for p in (path, os.path.realpath(path), path.replace("/lib/", "/usr/lib/", 1),
              os.path.realpath(path).replace("/usr/lib/", "/lib/", 1)):
        r = subprocess.run(["dpkg", "-S", p], capture_output=True, text=True)
        if r.returncode == 0:
            return r.stdout.split(":")[0].strip()
    sys.exit("FAIL: no Debian package holds %s (dpkg -S)" % path)


def runtime_stage_packages(dockerfile):
    with open(dockerfile) as f:
        text = f.read().replace("\\\n", " ")
    stages = re.split(r"^FROM ", text, flags=re.M)
    runtime = stages[-1]  # the last stage is the image
    packages = set()
    for m in re.finditer(r"apt-get install ([^&\n]*)", runtime):
        packages |= {w for w in m.group(1).split() if not w.startswith("-")}
    return packages


mapping = {lib: package(library_file(lib)) for lib in needed(binary)}
wanted = (set(mapping.values()) - IN_BASE_IMAGE) | NOT_A_LIBRARY
have = runtime_stage_packages(os.path.join(source, "deploy", "kubernetes", "Dockerfile"))
for lib, pkg in sorted(mapping.items()):
    print("%-20s %s%s" % (lib, pkg, " (in the base image)" if pkg in IN_BASE_IMAGE else ""))
failures = []
for p in sorted(wanted - have):
    failures.append("the runtime stage does not install %s: the binary does not start" % p)
for p in sorted(have - wanted):
    failures.append("the runtime stage installs %s, which no NEEDED library comes from" % p)
for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)

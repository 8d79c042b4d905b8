#!/usr/bin/env python3
"""Writes a bitnami-sized index.yaml: ~1,000 charts x 20 versions (~20,000 entries, ~20 MB) in
helm's own layout, plus the real entries of the charts in --real (an index.yaml made by
`helm repo index`), so that a chart from it can really be fetched."""
import argparse, hashlib, re

p = argparse.ArgumentParser()
p.add_argument("--real", required=True, help="index.yaml whose entries are merged in")
p.add_argument("--out", required=True)
p.add_argument("--charts", type=int, default=1000)
p.add_argument("--versions", type=int, default=20)
a = p.parse_args()

real = open(a.real).read()
real_entries = real.split("entries:\n", 1)[1].split("\ngenerated:", 1)[0].rstrip("\n") + "\n"
desc = ("A generated chart that stands in for one of the many charts of a large public repository; "
        "its entry carries every field helm writes so that the index has a realistic size and shape. ")
with open(a.out, "w") as f:
    f.write("apiVersion: v1\nentries:\n")
    names = sorted([f"app-{i:05d}" for i in range(a.charts)])
    wrote_real = False
    for name in names:
        if not wrote_real and name > "app-00500":
            f.write(real_entries)
            wrote_real = True
        f.write(f"  {name}:\n")
        for v in range(a.versions, 0, -1):
            ver = f"{v // 10}.{v % 10}.{(v * 7) % 13}"
            digest = hashlib.sha256(f"{name}-{ver}".encode()).hexdigest()
            f.write(f"""  - annotations:
      category: Infrastructure
      images: |
        - name: {name}
          image: registry.example/library/{name}:{ver}-debian-12-r{v}
      licenses: Apache-2.0
    apiVersion: v2
    appVersion: {ver}
    created: "2024-0{1 + v % 9}-1{v % 9}T10:2{v % 9}:33.{v:09d}Z"
    dependencies:
    - name: common
      repository: oci://registry.example/charts
      tags:
      - bitnami-common
      version: 2.x.x
    description: {desc}
    digest: {digest}
    home: https://charts.example/{name}
    icon: https://charts.example/assets/{name}/img/logo.svg
    keywords:
    - {name}
    - infrastructure
    maintainers:
    - name: Example Maintainers
      url: https://github.com/example/charts
    name: {name}
    sources:
    - https://github.com/example/charts/tree/main/{name}
    urls:
    - https://charts.example/{name}-{ver}.tgz
    version: {ver}
""")
    f.write('generated: "2026-11-23T00:00:00Z"\n')

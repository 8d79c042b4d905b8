#!/usr/bin/env python3
"""A STAND-IN for a Kubernetes API server, for tests only (no kube-apiserver can run on these
machines): the package tests/peers/standin/ (see its README.md). This file is the entry point:

  kube_standin.py --token T --dump FILE --log FILE [--emulate 1.14|1.16|1.20|1.33] [--git-version V]
                  [--preload FILE] [--timeline FILE] [--ready-ms N] [--port N] [--tls-cert F --tls-key F]
                  [--watch-window N] [--controller-lag-ms N] [--nodes one|three|FILE]
                  [--backoff-scale F] [--script FILE] [--runtime containerd|crio] [--control-port N]

Prints "PORT <n>" (and "CONTROL <n>" with --control-port).
"""
import os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from standin import main  # noqa: E402

if __name__ == "__main__":
    main()

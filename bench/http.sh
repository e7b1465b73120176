#!/bin/sh
# HTTP load on gunicorn (2 workers, DEBUG=0) against a bench database, loopback only.
#   bench/http.sh [--scale S] [--users 50] [--duration 60] [--think 1] [--connections 20] [--closed-duration 30]
# Needs a database built by bench/generate.py (suxian_bench_s<S>). Uses wrk for the closed-loop run when it
# is installed (Debian: apt-get install -y wrk), else Python threads.
set -e
cd "$(dirname "$0")/.."
exec .venv/bin/python -m bench.http_load "$@"

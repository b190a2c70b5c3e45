"""Benchmarks of Hamyar on a production-like stack (gunicorn, PostgreSQL, Redis, a Celery worker).

Run with `.venv/bin/python -m bench.run`; see bench/README.md. Benchmarks print figures: they are not tests
and never fail on speed.
"""

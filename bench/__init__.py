"""Performance benchmark: a large-city dataset, a load run and Django's own ceiling.

Run by hand, never installed: see bench/README.md.
"""

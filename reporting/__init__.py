"""Cohort review and program reporting: the top floor, which reads every stage.

It has no models of its own: it may import every feature app's models, selectors, policies and
services, and no feature app imports it.
"""

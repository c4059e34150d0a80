"""Cohort review and program reporting: a gathering module that reads every stage.

Not a Django app: its models are the stages' own. Like `leanleaders.dashboard`, it may import the
feature apps' models, selectors, policies and services; no feature app imports it.
"""

"""Reads for reporting, one module per page: the cohort board (`board`), the program report
(`program`) and completion with its certificate (`completion`)."""

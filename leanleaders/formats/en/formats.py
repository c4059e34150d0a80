"""The app's one date style, for every page, email and message (`FORMAT_MODULE_PATH`).

Templates name these formats (`|date`, `|date:"SHORT_DATE_FORMAT"`, `|time`) and Python uses
`django.utils.formats.date_format(value, "DATE_FORMAT")`, so no date is ever written in two
styles side by side. Formats not set here (input formats, numbers) are Django's English ones.
"""

# Single dates people plan by (session days, emails, headings): Tuesday 6 October 2026.
DATE_FORMAT = "l j F Y"
DATETIME_FORMAT = "l j F Y, g:i A"
# Dates on rows of lists and tables, and beside a relative date: 6 Oct 2026.
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, g:i A"
TIME_FORMAT = "g:i A"
YEAR_MONTH_FORMAT = "M Y"
MONTH_DAY_FORMAT = "j M"

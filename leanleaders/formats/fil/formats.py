"""Filipino: Django ships no formats for it, and the city's Filipino readers use the English
date style, so it is the app's one style (leanleaders/formats/en/formats.py), not Django's
American default. Its words are Filipino (Martes 6 Oktubre 2026): Django ships no Filipino
month and day names either, so locale_django/fil has them (docs/translation.md)."""

from leanleaders.formats.en.formats import (  # noqa: F401  (read by FORMAT_MODULE_PATH)
    DATE_FORMAT,
    DATETIME_FORMAT,
    MONTH_DAY_FORMAT,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
    TIME_FORMAT,
    YEAR_MONTH_FORMAT,
)

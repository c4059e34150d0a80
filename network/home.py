"""The home-page card of the Lean Leader network, for everyone signed in (see
leanleaders/dashboard.py). It only links, so it costs the home page no query."""

from __future__ import annotations

from django.utils.translation import gettext as _

from leanleaders.dashboard import HomeFacts, Section
from leanleaders.http import AuthenticatedHttpRequest


def sections(request: AuthenticatedHttpRequest, facts: HomeFacts) -> list[Section]:
    return [Section("network", _("Lean Leader network"), template="network/_home.html")]

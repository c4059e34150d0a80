"""Lean Leader completion, the certificate and the trainee's home card."""

from __future__ import annotations

import io
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.urls import reverse
from pypdf import PdfReader

from projects import completion

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("marks", "reviewed", "expected"),
    [
        ({1: "present", 2: "present", 3: "present"}, True, True),
        ({1: "present", 2: "late", 3: "late"}, True, True),
        ({1: "present", 2: "excused", 3: "present"}, True, False),
        ({1: "present", 2: "absent", 3: "present"}, True, False),
        ({1: "present", 2: "present"}, True, False),
        ({1: "present", 2: "present", 3: "present"}, False, False),
    ],
)
def test_lean_leader_rule(marks, reviewed, expected):
    assert completion.is_lean_leader(marks, reviewed) is expected


def cert(dataset, name):
    return reverse("reports:certificate", args=[dataset.enrollments[name].pk])


def test_a_lean_leader_opens_their_certificate(dataset, client_for):
    response = client_for(dataset.people["Ben"]).get(cert(dataset, "Ben"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Certificate of completion" in html
    assert "Ben" in html
    assert "Spring" in html
    assert dataset.projects["Ben"].title in html
    assert "css/certificate.css" in html


def test_before_completion_the_page_says_what_is_missing(dataset, client_for):
    response = client_for(dataset.people["Cleo"]).get(cert(dataset, "Cleo"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Day 2: absent" in html
    assert "Project not reviewed yet" in html
    assert "certificate.css" not in html


def test_who_may_open_a_certificate(dataset, analyst, manager, client_for):
    assert client_for(analyst).get(cert(dataset, "Ana")).status_code == 200
    assert client_for(dataset.people["Ben"]).get(cert(dataset, "Ana")).status_code == 404
    assert client_for(manager).get(cert(dataset, "Ana")).status_code == 404
    assert client_for(None).get(cert(dataset, "Ana")).status_code == 302


def test_trainee_home_shows_the_certificate_or_the_way_there(dataset, client_for):
    home = client_for(dataset.people["Ana"]).get(reverse("home")).content.decode()
    assert "You&#x27;re a Lean Leader" in home or "You're a Lean Leader" in home
    assert cert(dataset, "Ana") in home
    home = client_for(dataset.people["Dev"]).get(reverse("home")).content.decode()
    assert "Becoming a Lean Leader" in home
    assert cert(dataset, "Dev") not in home


def test_staff_homes_link_to_the_boards(analyst, manager, client_for):
    assert reverse("reports:program-report") in client_for(analyst).get("/").content.decode()
    manager_home = client_for(manager).get("/").content.decode()
    assert reverse("reports:board-index") in manager_home
    assert reverse("reports:program-report") not in manager_home


def test_a_lean_leader_downloads_their_certificate_as_a_one_page_pdf(dataset, client_for):
    ben = dataset.people["Ben"]
    url = reverse("reports:certificate-pdf", args=[dataset.enrollments["Ben"].pk])
    response = client_for(ben).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"] == 'attachment; filename="lean-leaders-certificate-ben.pdf"'
    )
    document = PdfReader(io.BytesIO(response.content))
    assert len(document.pages) == 1
    box = document.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (297, 210)
    text = " ".join(document.pages[0].extract_text().split())
    assert "Certificate of completion" in text
    assert "Ben" in text
    assert dataset.projects["Ben"].title in text
    page = client_for(ben).get(cert(dataset, "Ben")).content.decode()
    assert url in page


def test_the_pdf_is_only_for_a_lean_leader_and_those_who_may_see_it(dataset, manager, client_for):
    def pdf(name):
        return reverse("reports:certificate-pdf", args=[dataset.enrollments[name].pk])

    assert client_for(dataset.people["Cleo"]).get(pdf("Cleo")).status_code == 404  # not yet
    assert client_for(dataset.people["Ben"]).get(pdf("Ana")).status_code == 404
    assert client_for(manager).get(pdf("Ana")).status_code == 404


def test_a_document_loads_only_the_apps_static_files():
    from leanleaders.pdf import html_to_pdf

    requests = []

    class Recorder(BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        # A link off the app is refused, not fetched; the PDF is still made, without it.
        address = f"http://127.0.0.1:{server.server_port}"
        html = f'<link rel="stylesheet" href="{address}/x.css"><img src="{address}/y.png"><p>Hi'
        assert html_to_pdf(html).startswith(b"%PDF")
    finally:
        server.shutdown()
    assert requests == []

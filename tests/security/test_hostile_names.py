"""Names with control, bidirectional and non-characters are refused with a clear message; any
text that still reaches a certificate is cleaned, and the PDF stays PDF/A-3b for every name."""

from __future__ import annotations

import dataclasses
import io
import xml.dom.minidom

import pypdf
import pytest

from certificates.pdf import render_certificate_pdf
from tests.certificates.test_pdf import make_snapshot
from training import accounts
from training.extensions import db
from training.models import User
from training.text_safety import (
    fit_to_fonts,
    print_coverage,
    printable,
    unprintable_characters,
    unsafe_characters,
)

REFUSED = [
    "Nul\x00Byte",
    "Esc\x1b[31mRed",
    "Bell\x07",
    "Tab\tInside",
    "New\nLine",
    "C1\x85Next",
    "Amir \u202eeciffo",  # RIGHT-TO-LEFT OVERRIDE
    "Isolate \u2067x\u2069",
    "Mark\u200fRTL",
    "Zero\u200bWidth",
    "Bom\ufeff",
    "Soft\u00adHyphen",
    "Tag\U000e0041",
    "Non\ufffeChar",
    "Non\uffffChar",
    "Non\ufdd0Char",
    "Plane\U0010ffffEnd",
    "Private\ue000Use",
    "Line\u2028Sep",
    "Lone\ud800Surrogate",
]
ACCEPTED = [
    "Aïcha Benali-Durand",
    "Éloïse Lœuvre-Müller, née Ñúñez Çağlar",
    "Ørjan Åsmund Þórsson",
    "Νίκος Παπαδόπουλος",
    "Светлана Иванова",
    "O'Connor-Smith",
    'Bobby "Tables"; DROP TABLE users;--',
    "<script>alert(1)</script>",
    "]]><?xml version='1.0'?><x:xmpmeta>",
    "&amp; &#0; &lt;",
    "Zalgo Z\u0351\u0364\u0368a\u0308\u0301l",
]
UNPRINTABLE = ["李小龍", "محمد علي", "Smile 😀", "देवनागरी"]


@pytest.mark.parametrize("name", REFUSED)
def test_refused_names(name):
    assert unsafe_characters(name)
    assert not unsafe_characters(printable(name))


@pytest.mark.parametrize("name", ACCEPTED)
def test_accepted_names(name):
    assert unsafe_characters(name) == []


@pytest.mark.parametrize("name", ["Esc\x1bName", "Amir \u202eeciffo", "Non\uffffChar"])
def test_registration_explains_the_refusal_in_both_languages(client, name):
    data = {
        "email": "new@example.test",
        "display_name": "Amir",
        "full_name": name,
        "password": "a long enough passphrase",
        "confirm": "a long enough passphrase",
        "language": "en",
        "privacy_consent": "y",
    }
    page = client.post("/register", data=data).get_data(as_text=True)
    assert "Names cannot contain control characters" in page
    assert db.session.query(User).count() == 0
    client.post("/language", data={"language": "fr"})
    page = client.post("/register", data=data).get_data(as_text=True)
    assert "Les noms ne peuvent pas contenir de caractères de contrôle" in page


def test_profile_refuses_a_bidi_override(login_as, client):
    user = login_as("learner")
    before = user.full_name
    page = client.post(
        "/account",
        data={"profile-display_name": "Ok", "profile-full_name": "Evil\u202etxet"},
    ).get_data(as_text=True)
    assert "Names cannot contain control characters" in page
    db.session.refresh(user)
    assert user.full_name == before


def test_services_and_cli_refuse_too(app, runner):
    with pytest.raises(accounts.AccountError):
        accounts.create_user("a@example.test", display_name="A\x1b", password=None)
    result = runner.invoke(
        args=["users", "create", "b@example.test", "--name", "B\u202eC", "--password-stdin"],
        input="a long enough passphrase\n",
    )
    assert result.exit_code != 0
    assert "control characters" in result.output


@pytest.mark.parametrize("name", UNPRINTABLE)
def test_a_full_name_the_certificate_fonts_cannot_print_is_refused(app, name):
    assert unprintable_characters(name)
    with pytest.raises(accounts.AccountError, match="Certificates cannot print"):
        accounts.create_user("c@example.test", display_name="C", full_name=name, password=None)
    # The display name is never printed: any script is welcome there.
    user = accounts.create_user("d@example.test", display_name=name, full_name="D", password=None)
    assert user.display_name == name


def test_names_are_stored_in_nfc(app):
    user = accounts.create_user(
        "e@example.test", display_name="  Élo\u0301ise   Martin ", password=None
    )
    assert user.display_name == "\u00c9l\u00f3ise Martin"
    assert user.full_name == user.display_name


# The PDF ---------------------------------------------------------------------------------------

PDFAID = "http://www.aiim.org/pdfa/ns/id/"


def assert_pdfa_3b(data: bytes, printed: str) -> None:
    """The parts of PDF/A-3b that a name can break, checked on the file itself."""
    pdf = pypdf.PdfReader(io.BytesIO(data))
    assert not pdf.is_encrypted
    # XMP: a well-formed XML packet (every character legal in XML 1.0) declaring PDF/A-3B.
    raw = pdf.trailer["/Root"]["/Metadata"].get_object().get_data()
    dom = xml.dom.minidom.parseString(raw)  # noqa: S318 - our own output; raises if malformed
    ids = [
        (n.getAttributeNS(PDFAID, "part"), n.getAttributeNS(PDFAID, "conformance"))
        for n in dom.getElementsByTagNameNS("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "*")
        if n.hasAttributeNS(PDFAID, "part")
    ]
    assert ("3", "B") in ids
    # The document information agrees with the XMP (PDF/A requires it).
    xmp = pdf.xmp_metadata
    assert xmp.dc_title["x-default"] == pdf.metadata.title
    assert xmp.dc_title["x-default"].endswith(printed)
    # An sRGB output intent, and every font embedded.
    intents = pdf.trailer["/Root"]["/OutputIntents"]
    assert any(i.get_object()["/S"] == "/GTS_PDFA1" for i in intents)
    for font in pdf.pages[0]["/Resources"]["/Font"].values():
        font = font.get_object()
        descendants = font.get("/DescendantFonts", [font])
        for part in descendants:
            descriptor = part.get_object()["/FontDescriptor"].get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    # No glyph the fonts lack (no .notdef): every printed character is covered, and it is
    # found again in the page's text.
    coverage = print_coverage()
    assert all(ord(c) in coverage or c == " " for c in printed), printed
    page_text = "".join(pdf.pages[0].extract_text().split())
    assert "".join(printed.split()) in page_text
    assert len(pdf.pages) == 1


@pytest.mark.parametrize("name", REFUSED + ACCEPTED + UNPRINTABLE)
def test_the_certificate_stays_pdfa_whatever_name_was_stored(name):
    snapshot = make_snapshot(holder_name=name)
    data = render_certificate_pdf(snapshot, "https://example.org/verify/x", "Org", None, pdfa=True)
    printed = fit_to_fonts(printable(name))
    assert_pdfa_3b(data, printed)


def test_every_printed_field_is_cleaned():
    evil = "Evil\u202e\x00\x1b\ufffe"
    snapshot = dataclasses.replace(
        make_snapshot(),
        course_title=evil,
        modules=[evil],
        competencies=[evil],
        issuer=evil,
        signatory=f"{evil}, {evil}",
        certificate_title=evil,
    )
    data = render_certificate_pdf(snapshot, "https://example.org/verify/x", evil, None, pdfa=True)
    assert_pdfa_3b(data, "Aïcha Benali-Durand")
    text = pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "\u202e" not in text and "\x1b" not in text

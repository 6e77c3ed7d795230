"""PDF/A-3B checks, as the veraPDF validation profile states them.

veraPDF (the reference PDF/A validator) is a Java application that cannot be installed on these
machines (it is distributed through Maven and its own site, neither reachable). Its rules are
public: ``PDF_A/PDFA-3B.xml`` of veraPDF/veraPDF-validation-profiles (commit
``6f2a87f122099998f4288abfc3731e2c36d7eb4f``, © veraPDF Consortium, CC BY 4.0). This module
re-implements, on pypdf's reading of the file, the rules of that profile that a certificate's
structure and its embedded credential can break; each problem names its rule
(``clause-testNumber``):

- 6.1.2-1/2 header; 6.1.3-1/2/3 trailer ID, no encryption, nothing after ``%%EOF``;
- 6.1.7.1-3 no external stream data (``F``, ``FFilter``, ``FDecodeParms``);
- 6.2.3-1 the output intent's ICC profile (device class, colour space, version);
- 6.6.2.1-1/2/3/4 XMP metadata present and well-formed, no ``bytes``/``encoding`` attribute;
- 6.6.4-1/2/3 PDF/A identification ``pdfaid:part`` 3, ``pdfaid:conformance`` B;
- 6.8-1/2/3/4 embedded files: MIME ``Subtype``, ``F`` and ``UF``, ``AFRelationship``, and
  referenced from an ``AF`` array (an associated file).

It does not replace veraPDF's other rules (fonts, colour of every operator, annotations…):
WeasyPrint's ``pdf/a-3b`` output is checked against the full profile by WeasyPrint's own CI.
"""

from __future__ import annotations

import io
import re
import xml.dom.minidom
from typing import Any
from xml.parsers.expat import ExpatError

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject

PDFAID = "http://www.aiim.org/pdfa/ns/id/"
MIME = re.compile(r"^[-\w+\.]+/[-\w+\.]+$")


def _resolve(value: Any) -> Any:
    return value.get_object() if isinstance(value, IndirectObject) else value


def _objects(reader: PdfReader) -> list[tuple[int, Any]]:
    found = []
    for number in range(1, int(reader.trailer["/Size"])):
        try:
            obj = reader.get_object(number)
        except Exception:  # noqa: BLE001, S112 - free or compressed entries
            continue
        if obj is not None:
            found.append((number, obj))
    return found


def pdfa3b_problems(data: bytes) -> list[str]:
    """Every rule above that ``data`` breaks (an empty list: none of them)."""
    problems: list[str] = []
    header = data.split(b"\n", 1)[0].rstrip(b"\r")
    if not re.fullmatch(rb"%PDF-1\.[0-7]", header):
        problems.append(f"6.1.2-1 header {header[:12]!r}")
    second = data[len(header) :].lstrip(b"\r\n")
    if not (second[:1] == b"%" and all(byte > 127 for byte in second[1:5])):
        problems.append("6.1.2-2 no binary comment after the header")
    if data.rstrip(b"\r\n")[-5:] != b"%%EOF" or len(data) - len(data.rstrip(b"\r\n")) > 2:
        problems.append("6.1.3-3 data after the last %%EOF")

    reader = PdfReader(io.BytesIO(data), strict=True)
    trailer = reader.trailer
    if not trailer.get("/ID"):
        problems.append("6.1.3-1 no file identifier (trailer ID)")
    if "/Encrypt" in trailer:
        problems.append("6.1.3-2 encrypted")
    catalog = trailer["/Root"]

    associated: set[int] = set()
    file_specs: list[tuple[int, DictionaryObject]] = []
    for number, obj in _objects(reader):
        if isinstance(obj, StreamObject):
            for key in ("/F", "/FFilter", "/FDecodeParms"):
                if key in obj:
                    problems.append(f"6.1.7.1-3 stream {number} has {key}")
            if obj.get("/Type") == "/EmbeddedFile":
                subtype = obj.get("/Subtype")
                if not isinstance(subtype, NameObject) or not MIME.match(str(subtype)[1:]):
                    problems.append(f"6.8-1 embedded file {number} MIME type {subtype!r}")
        if isinstance(obj, DictionaryObject):
            if obj.get("/Type") == "/Filespec":
                file_specs.append((number, obj))
            for reference in _resolve(obj.get("/AF")) or []:
                if isinstance(reference, IndirectObject):
                    associated.add(reference.idnum)
    for number, spec in file_specs:
        if "/EF" in spec and ("/F" not in spec or "/UF" not in spec):
            problems.append(f"6.8-2 file specification {number} lacks F or UF")
        if not isinstance(spec.get("/AFRelationship"), NameObject):
            problems.append(f"6.8-3 file specification {number} has no AFRelationship name")
        if number not in associated:
            problems.append(f"6.8-4 file specification {number} is not an associated file")

    intents = _resolve(catalog.get("/OutputIntents")) or ArrayObject()
    if not intents:
        problems.append("6.2.3 no output intent")
    for intent in intents:
        intent = _resolve(intent)
        profile = _resolve(intent.get("/DestOutputProfile"))
        icc = profile.get_data() if profile is not None else b""
        device, space, major = icc[12:16], icc[16:20], icc[8] if len(icc) > 8 else 99
        if (
            device not in (b"prtr", b"mntr")
            or space not in (b"RGB ", b"CMYK", b"GRAY")
            or (major >= 5)
        ):
            problems.append("6.2.3-1 output profile is not a v2/v4 RGB/CMYK/GRAY prtr or mntr")

    metadata = _resolve(catalog.get("/Metadata"))
    if metadata is None:
        problems.append("6.6.2.1-1 no XMP metadata stream in the catalog")
        return problems
    packet = metadata.get_data()
    begin = re.search(rb"<\?xpacket begin=[^>]*\?>", packet)
    if begin and (b" bytes=" in begin.group(0) or b" encoding=" in begin.group(0)):
        problems.append("6.6.2.1-2/3 bytes or encoding attribute in the XMP packet header")
    try:
        # Our own test PDFs, not untrusted input.
        document = xml.dom.minidom.parseString(packet.decode("utf-8"))  # noqa: S318
    except (UnicodeDecodeError, ValueError, ExpatError) as exc:
        problems.append(f"6.6.2.1-4/5 XMP is not well-formed UTF-8 XML ({exc})")
        return problems
    values: dict[str, str] = {}
    for node in document.getElementsByTagNameNS("*", "*"):
        for name in ("part", "conformance"):
            if node.namespaceURI == PDFAID and node.localName == name:
                values[name] = node.firstChild.nodeValue if node.firstChild else ""
            if node.hasAttributeNS(PDFAID, name):
                values[name] = node.getAttributeNS(PDFAID, name)
    if not values:
        problems.append("6.6.4-1 no PDF/A identification in the XMP")
    if values.get("part") != "3":
        problems.append(f"6.6.4-2 pdfaid:part is {values.get('part')!r}, not 3")
    if values.get("conformance") not in ("A", "B", "U"):
        problems.append(f"6.6.4-3 pdfaid:conformance is {values.get('conformance')!r}")
    return problems

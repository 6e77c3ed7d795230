"""Verify by upload: a certificate PDF, checked both ways, or a credential file.

- A PDF is compared byte for byte with the PDFs we issued (its SHA-256), *and* the credential
  embedded in it, if any, is verified on its own. The two can disagree: a PDF re-saved by
  another program no longer matches its fingerprint, but still carries a genuine credential;
  a PDF whose printed text was edited may still carry the credential of someone else. The
  page shows both results side by side.
- A credential file is a VC-JWT (verified) or its decoded JSON (compared with our record).

Nothing uploaded is stored.
"""

from __future__ import annotations

from dataclasses import dataclass

from certificates import services
from certificates.models import Certificate
from credentials import verification
from credentials.verification import CredentialCheck
from training.extensions import db

PDF_MAGIC = b"%PDF"


@dataclass(frozen=True)
class UploadCheck:
    #: ``"pdf"`` or ``"credential"``.
    kind: str
    #: The certificate whose stored PDF is exactly the uploaded file (PDF only).
    pdf_match: services.Verification | None = None
    #: The credential in the file or embedded in the PDF (``None``: a PDF without one).
    credential: CredentialCheck | None = None
    #: The certificate that credential belongs to, when it is genuine.
    credential_certificate: services.Verification | None = None

    @property
    def consistent(self) -> bool:
        """A PDF whose fingerprint and embedded credential name the same certificate."""
        return (
            self.pdf_match is not None
            and self.credential_certificate is not None
            and self.pdf_match.code == self.credential_certificate.code
        )


def check_upload(data: bytes) -> UploadCheck:
    if data.startswith(PDF_MAGIC):
        match = services.find_by_pdf(data)
        tokens = verification.embedded_tokens(data)
        credential = verification.check_jwt(tokens[0]) if tokens else None
        return UploadCheck(
            kind="pdf",
            pdf_match=services.verification_of(match) if match is not None else None,
            credential=credential,
            credential_certificate=_certificate_of(credential),
        )
    credential = verification.check_text(data)
    return UploadCheck(
        kind="credential",
        credential=credential,
        credential_certificate=_certificate_of(credential),
    )


def _certificate_of(check: CredentialCheck | None) -> services.Verification | None:
    if check is None or not check.verified or check.record is None:
        return None
    if check.record.certificate_id is None:
        return None
    certificate = db.session.get(Certificate, check.record.certificate_id)
    return services.verification_of(certificate) if certificate is not None else None

"""Certificate use cases, one import away: issue (once), reissue after a name correction, revoke,
verify, serve. Each function takes the acting user (``None`` for the command line) and commits
its own work. Access rules live in these modules, not in the views: a view turns
:class:`NotAllowed` and a missing certificate into the same 404, so nobody learns that a code
exists.

Split by responsibility; this module keeps every public name importable from one place:

- :mod:`certificates.issuing`: ``issue``, ``issue_if_eligible``, snapshots and rendering;
- :mod:`certificates.revocation`: ``revoke``, ``reissue_for_name_change``, ``can_revoke``;
- :mod:`certificates.verification`: finding certificates, ``verify``, ``verification_of``;
- :mod:`certificates.export`: downloads, file names, the cohort ZIP.
"""

from __future__ import annotations

from certificates.errors import CertificateError, NotAllowed
from certificates.export import (
    can_download,
    certificate_for_download,
    cohort_for_zip,
    cohort_zip,
    pdf_filename,
    safe_filename_part,
)
from certificates.issuing import (
    CLI_ACTOR,
    CODE_BYTES,
    COMPETENCY_NAMES,
    FRENCH_LABELS,
    SYSTEM_ACTOR,
    competency_name,
    connect_signals,
    issue,
    issue_if_eligible,
    labels_for,
    new_code,
    printed_name,
    render_snapshot,
    snapshot_for,
    verify_url,
)
from certificates.pdf import sha256_hex
from certificates.revocation import (
    REASON_MAX,
    can_revoke,
    may_act_on,
    reissue_for_name_change,
    revoke,
    trains_its_cohort,
)
from certificates.verification import (
    Verification,
    audit_entries,
    certificates_of,
    find_by_pdf,
    find_current,
    get_by_code,
    normalise_code,
    verification_of,
    verify,
)

__all__ = [
    "CLI_ACTOR", "CODE_BYTES", "COMPETENCY_NAMES", "FRENCH_LABELS", "REASON_MAX",
    "SYSTEM_ACTOR", "CertificateError", "NotAllowed", "Verification", "audit_entries",
    "can_download", "can_revoke", "certificate_for_download", "certificates_of",
    "cohort_for_zip", "cohort_zip", "competency_name", "connect_signals", "find_by_pdf",
    "find_current", "get_by_code", "issue", "issue_if_eligible", "labels_for", "may_act_on",
    "new_code", "normalise_code", "pdf_filename", "printed_name", "reissue_for_name_change",
    "render_snapshot", "revoke", "safe_filename_part", "sha256_hex", "snapshot_for",
    "trains_its_cohort", "verification_of", "verify", "verify_url",
]  # fmt: skip

"""Résumé files: PDF (pypdf) or DOCX (python-docx), their text extracted for search. Anything
else, an encrypted PDF, or a file over the size limit is refused with a message naming the field."""

import io
import zipfile

from django.utils.translation import gettext as _

from parkos.core.errors import ValidationFailed
from parkos.talent.errors import TalentError

RESUME_MAX_BYTES = 10 * 1024 * 1024
RESUME_TEXT_MAX = 50_000
FIELD = "resume"


def _refuse(message, code) -> ValidationFailed:
    return ValidationFailed.for_field(FIELD, message, code=code)


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise _refuse(
                _("This PDF is protected by a password. Upload it without the password."),
                TalentError.RESUME_ENCRYPTED,
            )
        return "\n".join((page.extract_text() or "") for page in reader.pages[:30])
    except ValidationFailed:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as broken:
        raise _refuse(
            _("This PDF cannot be read. Save it again and upload the new file."),
            TalentError.RESUME_UNREADABLE,
        ) from broken


def _docx_text(data: bytes) -> str:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as broken:
        raise _refuse(
            _("This Word file cannot be read. Save it as .docx and upload it again."),
            TalentError.RESUME_UNREADABLE,
        ) from broken
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def resume_extract(*, name: str, data: bytes, size: int | None = None) -> str:
    """The résumé's text, or a ValidationFailed on the `resume` field. `size` is the file's
    whole size when only its beginning was read."""
    size = max(len(data), size or 0)
    if size > RESUME_MAX_BYTES:
        raise _refuse(
            _("A résumé may be at most %(limit)s MB; this file has %(size)s MB.")
            % {"limit": RESUME_MAX_BYTES // (1024 * 1024), "size": f"{size / 1048576:.1f}"},
            TalentError.RESUME_TOO_LARGE,
        )
    lower = (name or "").lower()
    if data.startswith(b"%PDF-"):
        text = _pdf_text(data)
    elif data.startswith(b"PK") and lower.endswith(".docx"):
        text = _docx_text(data)
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" and lower.endswith(".docx"):
        # An OLE container named .docx: what Word writes for a password-protected document.
        raise _refuse(
            _("This Word file is protected by a password. Upload it without the password."),
            TalentError.RESUME_ENCRYPTED,
        )
    else:
        raise _refuse(
            _("Upload the résumé as a PDF or a Word (.docx) file."), TalentError.RESUME_TYPE
        )
    return " ".join(text.split())[:RESUME_TEXT_MAX]

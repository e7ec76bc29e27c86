"""What may be attached to a case: PDF, images and Office files up to 10 MB. The first bytes
are checked as well as the name, so a renamed executable is refused."""

from django.utils.translation import gettext as _

from parkos.approvals.errors import ApprovalsError
from parkos.core.errors import ValidationFailed

MAX_BYTES = 10 * 1024 * 1024

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
# extension -> (content type, accepted leading bytes)
ALLOWED = {
    "pdf": ("application/pdf", (b"%PDF",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    "webp": ("image/webp", (b"RIFF",)),
    "doc": ("application/msword", (_OLE,)),
    "xls": ("application/vnd.ms-excel", (_OLE,)),
    "ppt": ("application/vnd.ms-powerpoint", (_OLE,)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (_ZIP,),
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (_ZIP,)),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (_ZIP,),
    ),
}
ACCEPT = ",".join(f".{extension}" for extension in ALLOWED)


def attachment_check(upload, *, field: str = "attachment") -> str:
    """The content type of an acceptable upload; a ValidationFailed naming `field` otherwise."""
    name = getattr(upload, "name", "") or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    if size > MAX_BYTES:
        raise ValidationFailed.for_field(
            field,
            _("The file is %(size).1f MB; at most 10 MB is accepted.")
            % {"size": size / 1024 / 1024},
            code=ApprovalsError.FILE_TOO_LARGE,
        )
    if size == 0:
        raise ValidationFailed.for_field(
            field, _("The file is empty."), code=ApprovalsError.FILE_EMPTY
        )
    if extension not in ALLOWED:
        raise ValidationFailed.for_field(
            field,
            _("Only PDF, images (PNG, JPEG, GIF, WebP) and Office files are accepted."),
            code=ApprovalsError.FILE_TYPE,
        )
    content_type, signatures = ALLOWED[extension]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if isinstance(head, str):
        head = head.encode()
    if not any(head.startswith(signature) for signature in signatures):
        raise ValidationFailed.for_field(
            field,
            _("The file's content does not match its name (.%(extension)s).")
            % {"extension": extension},
            code=ApprovalsError.FILE_CONTENT,
        )
    return content_type

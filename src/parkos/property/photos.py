"""Checking uploaded photos: an image Pillow can read, of a usual format, not too large."""

import io

from django.utils.translation import gettext as _

from parkos.core.errors import ValidationFailed

MAX_PHOTO_BYTES = 8 * 1024 * 1024
MAX_PHOTOS = 6
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}


def checked_photos(files, field: str = "photos") -> list[tuple[bytes, str]]:
    """(content, extension) for each upload; the first bad one fails them all."""
    from PIL import Image, UnidentifiedImageError

    files = list(files or [])
    if len(files) > MAX_PHOTOS:
        raise ValidationFailed.for_field(
            field, _("At most %(count)d photos.") % {"count": MAX_PHOTOS}
        )
    checked = []
    for upload in files:
        content = upload.read() if hasattr(upload, "read") else bytes(upload)
        if len(content) > MAX_PHOTO_BYTES:
            raise ValidationFailed.for_field(field, _("A photo may be at most 8 MB."))
        try:
            with Image.open(io.BytesIO(content)) as image:
                image.verify()
                kind = image.format
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as bad:
            raise ValidationFailed.for_field(
                field, _("This file is not an image (JPEG, PNG, WebP or GIF).")
            ) from bad
        if kind not in FORMATS:
            raise ValidationFailed.for_field(
                field, _("This file is not an image (JPEG, PNG, WebP or GIF).")
            )
        checked.append((content, FORMATS[kind]))
    return checked

"""Photos and signatures of a home visit: made safe and small before they are stored.

A phone photo of a family's home carries the place it was taken (EXIF GPS), the phone's make and the time;
none of that belongs in a record that is synced and printed. Every photo is therefore decoded, turned
upright from its EXIF orientation, scaled to at most :data:`MAX_EDGE` pixels and re-encoded as a JPEG
without any metadata, so what is stored is only the picture.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy.orm import Session

from app.domain.errors import ValidationError
from app.services import visits
from app.services.common import get
from app.store import oplog
from app.store.models import Blob, VisitAttachment

MAX_EDGE = 1600
JPEG_QUALITY = 85
# A photo larger than this is refused before decoding: no camera makes one, and a decompression bomb does.
MAX_INPUT_BYTES = 40 * 1024 * 1024
MAX_PIXELS = 80_000_000


@dataclass(frozen=True)
class PreparedPhoto:
    data: bytes
    media_type: str
    width: int
    height: int


def prepare_photo(raw: bytes) -> PreparedPhoto:
    """The photo upright, at most MAX_EDGE pixels on its long side, as a JPEG with no metadata at all."""
    if not raw:
        raise ValidationError("照片文件是空的。", "The photo file is empty.", field="photo")
    if len(raw) > MAX_INPUT_BYTES:
        raise ValidationError("照片文件太大（超过 40 MB）。", "The photo file is too large (over 40 MB).",
                              field="photo")
    try:
        with Image.open(io.BytesIO(raw)) as opened:
            if opened.width * opened.height > MAX_PIXELS:
                raise ValidationError("照片像素太多，无法处理。", "The photo has too many pixels to process.",
                                      field="photo")
            # exif_transpose applies the orientation tag and drops it, so the picture shows the right way up
            # everywhere, including viewers that ignore EXIF.
            image = ImageOps.exif_transpose(opened)
            image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError, ValueError):
        raise ValidationError("这个文件不是能识别的图片（请用 JPG 或 PNG 照片）。",
                              "This file is not a picture Jiafang can read (use a JPG or PNG photo).",
                              field="photo") from None
    if image.mode in ("RGBA", "LA", "P"):
        # JPEG has no transparency: put transparent parts on white rather than on black.
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    elif image.mode != "RGB":
        image = image.convert("RGB")
    image.thumbnail((MAX_EDGE, MAX_EDGE), Image.Resampling.LANCZOS)
    # A fresh image holds pixels only: no EXIF, no ICC profile, no XMP, no comments survive the copy.
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return PreparedPhoto(out.getvalue(), "image/jpeg", clean.width, clean.height)


def add_photo(session: Session, visit_id: str, raw: bytes, *, caption: str | None = None) -> VisitAttachment:
    """Prepare a photo (see :func:`prepare_photo`) and attach it to a draft visit."""
    photo = prepare_photo(raw)
    return visits.add_attachment(session, visit_id, "photo", photo.data, photo.media_type, caption=caption)


def add_signature(session: Session, visit_id: str, kind: str, png: bytes) -> VisitAttachment:
    """A signature drawn on the pad, as a PNG; a new signature of the same kind replaces the old one."""
    if kind not in ("guardian_signature", "visitor_signature"):
        raise ValidationError(f"签名类型“{kind}”不对。", f"Unknown signature kind '{kind}'.", field="kind")
    for old in visits.attachments_of(session, visit_id):
        if old.kind == kind:
            oplog.delete(session, old)
    return visits.add_attachment(session, visit_id, kind, png, "image/png")


def remove_attachment(session: Session, attachment_id: str) -> None:
    """Take a photo or signature off a draft (a finalized visit keeps what was signed)."""
    attachment = get(session, VisitAttachment, attachment_id)
    visits.save_draft(session, attachment.visit_id)  # refuses a finalized visit with its usual message
    oplog.delete(session, attachment)


def attachment_bytes(session: Session, attachment_id: str) -> tuple[bytes, str]:
    """The stored bytes of an attachment and their media type."""
    attachment = get(session, VisitAttachment, attachment_id)
    blob = session.get(Blob, attachment.blob_sha256)
    if blob is None:  # synced before its blob arrived: the record is there, the picture not yet
        raise ValidationError("这张图片还没有同步到本机。", "This picture has not been synced to this laptop yet.",
                              field="blob")
    return bytes(blob.data), blob.media_type

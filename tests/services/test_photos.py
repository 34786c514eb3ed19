"""Photos are stored upright, small, and without the metadata (GPS above all) that phones put in them."""

from __future__ import annotations

import io
from datetime import date

import pytest
from PIL import ExifTags, Image

from app.domain.errors import LifecycleError, ValidationError
from app.services import photos, visits
from app.store.db import Database
from app.store.models import Student
from tests.conftest import TODAY

SECRET = b"Xixiangtang-Shibu-GPS-note"


def phone_photo(width: int = 3000, height: int = 2000, *, orientation: int = 6) -> bytes:
    """A JPEG as a phone writes it: sideways pixels with an orientation tag, GPS and a description."""
    image = Image.new("RGB", (width, height), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, width // 2, height))  # left half red
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.ImageDescription] = SECRET.decode()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (22.0, 49.0, 12.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (108.0, 16.0, 3.25)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, quality=80)
    return out.getvalue()


def test_the_fixture_really_carries_gps() -> None:
    with Image.open(io.BytesIO(phone_photo(400, 300))) as image:
        assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo)


def test_photo_is_turned_upright_resized_and_stripped_of_metadata() -> None:
    prepared = photos.prepare_photo(phone_photo())
    assert prepared.media_type == "image/jpeg"
    # Orientation 6 means "rotate 90° clockwise to show": the 3000x2000 landscape pixels show as portrait.
    assert (prepared.width, prepared.height) == (1067, 1600)
    with Image.open(io.BytesIO(prepared.data)) as image:
        assert image.format == "JPEG" and image.size == (1067, 1600)
        assert not image.getexif() and "exif" not in image.info and "icc_profile" not in image.info
        red, _green, blue = image.convert("RGB").getpixel((533, 50))  # type: ignore[misc]
        assert red > 200 and blue < 60, "the left (red) half must now be at the top"
    assert SECRET not in prepared.data and b"PhoneMaker" not in prepared.data and b"Exif" not in prepared.data


def test_small_photo_is_not_enlarged_and_transparency_goes_white() -> None:
    image = Image.new("RGBA", (120, 80), (0, 0, 0, 0))
    out = io.BytesIO()
    image.save(out, format="PNG")
    prepared = photos.prepare_photo(out.getvalue())
    assert (prepared.width, prepared.height) == (120, 80)
    with Image.open(io.BytesIO(prepared.data)) as result:
        pixel = result.convert("RGB").getpixel((60, 40))
        assert isinstance(pixel, tuple) and min(pixel) > 240


@pytest.mark.parametrize("raw", [b"", b"not a picture at all", b"\xff\xd8\xff\xe0broken jpeg"])
def test_what_is_not_a_picture_is_refused_with_a_message(raw: bytes) -> None:
    with pytest.raises(ValidationError) as caught:
        photos.prepare_photo(raw)
    assert caught.value.field == "photo" and caught.value.zh and caught.value.en


def test_attachments_of_a_draft_and_not_of_a_finalized_visit(database: Database, student: Student) -> None:
    with database.write() as session:
        visit = visits.start_visit(session, student.id, visited_on=date(2026, 11, 20), today=TODAY,
                                   visitors=[{"name": "黄老师", "role": "班主任"}], purpose="排查",
                                   family_situation="务农")
        photo = photos.add_photo(session, visit.id, phone_photo(800, 600))
        first_id = photos.add_signature(session, visit.id, "guardian_signature", b"\x89PNG first").id
        photos.add_signature(session, visit.id, "guardian_signature", b"\x89PNG second")
        photos.add_signature(session, visit.id, "visitor_signature", b"\x89PNG visitor")
        kinds = sorted(a.kind for a in visits.attachments_of(session, visit.id))
        ids = {a.id for a in visits.attachments_of(session, visit.id)}
        data, media = photos.attachment_bytes(session, photo.id)
    assert kinds == ["guardian_signature", "photo", "visitor_signature"]  # the second signature replaced the first
    assert first_id not in ids
    assert media == "image/jpeg" and data.startswith(b"\xff\xd8")
    with database.write() as session:
        photos.remove_attachment(session, photo.id)
        visits.finalize_visit(session, visit.id)
    with database.read() as session:
        assert sorted(a.kind for a in visits.attachments_of(session, visit.id)) == ["guardian_signature",
                                                                                   "visitor_signature"]
    with pytest.raises(LifecycleError), database.write() as session:
        photos.add_signature(session, visit.id, "visitor_signature", b"\x89PNG late")
    with pytest.raises(ValidationError), database.write() as session:
        photos.add_signature(session, visit.id, "photo", b"\x89PNG wrong kind")

"""Files attached to requests: what is accepted, and how a photo is made safe to keep.

The type comes from the file's first bytes, never from its name or the browser's word. Photos
are decoded and written anew by Pillow, which drops EXIF (a phone's photo holds where it was
taken) and anything hidden after the image; a PDF is kept as sent and only ever downloaded.
"""

import io
import warnings
from dataclasses import dataclass
from pathlib import PurePath

import pillow_heif
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

# HEIC, an iPhone's default, read through libheif (pillow-heif); kept as JPEG, which every
# browser shows.
pillow_heif.register_heif_opener()

MAX_BYTES = 5 * 1024 * 1024
MAX_FILES = 3
# Pillow's own decompression-bomb limit is some 89 million pixels; a phone's photo has 12 to
# 50 million, so this lower ceiling costs no subscriber anything and bounds memory per upload.
MAX_PIXELS = 60_000_000

JPEG = "image/jpeg"
PNG = "image/png"
PDF = "application/pdf"
HEIC = "image/heic"
EXTENSIONS = {JPEG: "jpg", PNG: "png", PDF: "pdf"}
# The brands of an ISO media file's `ftyp` box that mean a HEIF/HEIC still image.
HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}


class AttachmentRejected(Exception):
    """The file cannot be attached; the message says why, for the subscriber."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CleanFile:
    name: str
    content_type: str
    content: bytes


def sniff(head: bytes) -> str | None:
    """Return the type the first bytes announce (JPEG, PNG, HEIC or PDF), or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"%PDF-"):
        return PDF
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return HEIC
    return None


def _reencode(data: bytes, content_type: str, shown: str) -> bytes:
    with warnings.catch_warnings():
        # Pillow warns between its limit and twice it, and refuses beyond; both refuse here.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as probe:
                width, height = probe.size
                if width * height > MAX_PIXELS:
                    raise AttachmentRejected(
                        _("“%(name)s” is too large a picture to open.") % {"name": shown}
                    )
                probe.load()
                image = ImageOps.exif_transpose(probe)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise AttachmentRejected(
                _("“%(name)s” is too large a picture to open.") % {"name": shown}
            ) from None
        except AttachmentRejected:
            raise
        except Exception:
            raise AttachmentRejected(
                _("“%(name)s” is damaged or not really a picture.") % {"name": shown}
            ) from None
    out = io.BytesIO()
    if content_type in (JPEG, HEIC):
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        # No exif= argument: the new file carries no EXIF, GPS or maker notes.
        image.save(out, format="JPEG", quality=88, optimize=True)
    else:
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            image = image.convert("RGBA")
        image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def attachment_clean(*, name: str, data: bytes) -> CleanFile:
    """Check one uploaded file and return what is kept of it. Raises AttachmentRejected."""
    shown = PurePath(name or "file").name[:80]
    if len(data) > MAX_BYTES:
        raise AttachmentRejected(
            _("“%(name)s” is larger than 5 MB; send a smaller photo or scan.") % {"name": shown}
        )
    if not data:
        raise AttachmentRejected(_("“%(name)s” is empty.") % {"name": shown})
    content_type = sniff(data[:16])
    if content_type is None:
        raise AttachmentRejected(
            _("“%(name)s” is not a photo (JPEG, PNG) or a PDF.") % {"name": shown}
        )
    content = data if content_type == PDF else _reencode(data, content_type, shown)
    kept = JPEG if content_type == HEIC else content_type
    stem = PurePath(shown).stem[:60] or "file"
    return CleanFile(name=f"{stem}.{EXTENSIONS[kept]}", content_type=kept, content=content)

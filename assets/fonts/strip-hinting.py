#!/usr/bin/env python3
"""Makes Jury Sans, the font the PDF letters embed, from Liberation Sans.

Every letter embeds a subset of its font, compressed anew for each PDF;
the TrueType hinting (the fpgm, prep and cvt programs and each glyph's
instructions) was a third of those bytes and of the time spent
compressing them, and PDF viewers lay text out without it. This script
removes the hinting and nothing else: same glyphs, in the same order,
same metrics, same tables otherwise. The SIL Open Font License reserves
the name « Liberation » to the unmodified font, so the result is renamed
Jury Sans.

    pip install fonttools
    cd assets/fonts
    L=/usr/share/fonts/truetype/liberation2
    python3 strip-hinting.py $L/LiberationSans-Regular.ttf JurySans-Regular.ttf
    python3 strip-hinting.py $L/LiberationSans-Bold.ttf JurySans-Bold.ttf

The files in this folder were made with fonttools 4.68.0 from Liberation
Sans 2.1.5 (Debian's fonts-liberation2 2.1.5-1).
"""

import sys

from fontTools.ttLib import TTFont


def strip(source, target):
    # The source's timestamp is kept, so the same run gives the same bytes.
    font = TTFont(source, recalcTimestamp=False)
    # The hinting programs, and the tables only hinting reads.
    for tag in ("fpgm", "prep", "cvt ", "hdmx", "LTSH", "VDMX", "FFTM"):
        if tag in font:
            del font[tag]
    glyf = font["glyf"]
    for name in font.getGlyphOrder():
        glyf[name].removeHinting()
    maxp = font["maxp"]
    for field in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
    ):
        setattr(maxp, field, 0)
    # Zones: 1 is the minimum the TrueType spec allows.
    maxp.maxZones = 1
    # Without hinting, instructions never scale differently from outlines.
    font["head"].flags &= ~(1 << 4)
    rename(font["name"])
    font.save(target)


def rename(names):
    """« Liberation Sans » becomes « Jury Sans » wherever the font names
    itself (family, unique id, full name, PostScript name); the copyright,
    trademark and licence records are kept as they are."""
    for record in names.names:
        if record.nameID not in (1, 3, 4, 6, 16, 17, 18, 21):
            continue
        text = record.toUnicode()
        text = text.replace("Liberation Sans", "Jury Sans").replace("LiberationSans", "JurySans")
        record.string = text


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    strip(sys.argv[1], sys.argv[2])

#!/usr/bin/env python3
"""Write src/search/t2s.txt: the traditional → simplified character table that
search folds queries and indexed text with.

Source: the Unicode Han database (Unihan_Variants.txt, field kSimplifiedVariant),
as Debian's `unicode-data` package ships it:

    sudo apt-get install unicode-data
    python3 tools/gen_t2s.py /usr/share/unicode/Unihan_Variants.txt.bz2 > src/search/t2s.txt

Kept: a traditional character in Big5 that is not its own simplified form,
with exactly one simplified variant in GB2312 (the common characters of each
script), whether the database lists it as the traditional character's
kSimplifiedVariant or lists the traditional character as its
kTraditionalVariant (開 lists 开 and a rare character; 开 lists 開). One line per pair, sorted by code point:
the traditional character, then the simplified one.
"""
import bz2
import re
import sys


def encodes(ch, codec):
    try:
        ch.encode(codec)
        return True
    except UnicodeEncodeError:
        return False


def main(path):
    opener = bz2.open if path.endswith(".bz2") else open
    simplified = {}  # traditional -> its simplified variants
    traditional = {}  # simplified -> its traditional variants
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            if not line.startswith("U+"):
                continue
            cp, field, values = re.split(r"\s+", line.strip(), maxsplit=2)
            if field not in ("kSimplifiedVariant", "kTraditionalVariant"):
                continue
            ch = chr(int(cp[2:], 16))
            variants = [chr(int(v[2:], 16)) for v in values.split()]
            (simplified if field == "kSimplifiedVariant" else traditional)[ch] = variants
    candidates = {}
    for trad, simps in simplified.items():
        candidates.setdefault(trad, set()).update(simps)
    for simp, trads in traditional.items():
        for trad in trads:
            if trad != simp:
                candidates.setdefault(trad, set()).add(simp)
    pairs = {}
    for trad, simps in candidates.items():
        # A character that is its own simplified form stays as it is.
        if trad in simplified.get(trad, []) or not encodes(trad, "big5"):
            continue
        common = [s for s in simps if s != trad and encodes(s, "gb2312")]
        if len(common) == 1:
            pairs[trad] = common[0]
    for trad in sorted(pairs):
        sys.stdout.write(f"{trad}{pairs[trad]}\n")


if __name__ == "__main__":
    main(sys.argv[1])

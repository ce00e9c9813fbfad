"""Character-set facts shared by every decoder (HTML pages, feeds, text dumps): the byte-order
marks and the labels found in the wild that mean another encoding than Python would pick.

Imports nothing internal; ``extract.encoding`` and ``sources.xmltext`` add only what is
particular to their documents.
"""

from __future__ import annotations

import codecs

__all__ = ["BOMS", "LABEL_ALIASES"]

# Longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Labels -> Python codec names, as the WHATWG encoding standard reads them: latin-1 is
# windows-1252 in practice, and several legacy labels mean their Microsoft supersets.
LABEL_ALIASES: dict[str, str] = {
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "iso_8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "windows-1252": "cp1252",
    "x-cp1252": "cp1252",
    "iso-8859-9": "cp1254",
    "latin5": "cp1254",
    "iso-8859-11": "cp874",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "windows-31j": "cp932",
    "big5": "big5hkscs",
    "mac": "mac-roman",
    "macintosh": "mac-roman",
    "csmacintosh": "mac-roman",
    "ms-cyrl": "cp1251",
    "ms-ee": "cp1250",
    "ms-greek": "cp1253",
    "ms-turk": "cp1254",
    "ms-hebr": "cp1255",
    "ms-arab": "cp1256",
    "utf8": "utf-8",
}

"""Small OFD packages built in tests, for the cases no real file shows: broken or hostile input.

Real OFD files (tests/resources/ofd/) cover what producers write; these cover what an
attacker or a broken tool might write, each a minimal valid OFD with one thing changed.
"""

from __future__ import annotations

import io
import zipfile

NS = "http://www.ofdspec.org/2016"


def page_xml(body: str, ns: str = NS, encoding: str = "UTF-8", extra: str = "") -> bytes:
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?>'
        f'<ofd:Page xmlns:ofd="{ns}">{extra}<ofd:Content><ofd:Layer ID="2">{body}'
        "</ofd:Layer></ofd:Content></ofd:Page>"
    )
    return text.encode(encoding)


def text_object(text: str, color: str = "0 0 0") -> str:
    return (
        '<ofd:TextObject ID="5" Boundary="20 20 150 10" Font="3" Size="5">'
        f'<ofd:FillColor Value="{color}"/>'
        f'<ofd:TextCode X="0" Y="5" DeltaX="g {max(len(text) - 1, 0)} 5">{text}</ofd:TextCode>'
        "</ofd:TextObject>"
    )


def build(
    pages: list[bytes] | None = None,
    *,
    page_count: int | None = None,
    ns: str = NS,
    templates: dict[str, bytes] | None = None,
    fonts: str = '<ofd:Font ID="3" FontName="宋体" FamilyName="宋体"/>',
    seal: bytes | None = None,
    extra_files: dict[str, bytes] | None = None,
) -> bytes:
    """An OFD zip; ``page_count`` lists more pages than ``pages`` provides."""
    pages = pages if pages is not None else [page_xml(text_object("你好"))]
    count = page_count if page_count is not None else len(pages)
    page_list = "".join(
        f'<ofd:Page ID="{100 + i}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(count)
    )
    tpl_list = "".join(
        f'<ofd:TemplatePage ID="{tid}" BaseLoc="Tpls/{tid}.xml"/>' for tid in (templates or {})
    )
    document = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{ns}"><ofd:CommonData>'
        "<ofd:MaxUnitID>999</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297"
        f"</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes>{tpl_list}"
        f"</ofd:CommonData><ofd:Pages>{page_list}</ofd:Pages></ofd:Document>"
    )
    signatures = "<ofd:Signatures>Doc_0/Signs/Signatures.xml</ofd:Signatures>" if seal else ""
    ofd = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{ns}" Version="1.0" '
        'DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>test</ofd:DocID></ofd:DocInfo>'
        f"<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>{signatures}</ofd:DocBody></ofd:OFD>"
    )
    res = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="{ns}" BaseLoc="Res">'
        f"<ofd:Fonts>{fonts}</ofd:Fonts></ofd:Res>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("OFD.xml", ofd)
        z.writestr("Doc_0/Document.xml", document)
        z.writestr("Doc_0/PublicRes.xml", res)
        for i, page in enumerate(pages):
            z.writestr(f"Doc_0/Pages/Page_{i}/Content.xml", page)
        for tid, content in (templates or {}).items():
            z.writestr(f"Doc_0/Tpls/{tid}.xml", content)
        if seal is not None:
            z.writestr(
                "Doc_0/Signs/Signatures.xml",
                f'<ofd:Signatures xmlns:ofd="{NS}"><ofd:Signature ID="1" '
                'BaseLoc="Sign_0/Signature.xml"/></ofd:Signatures>',
            )
            z.writestr(
                "Doc_0/Signs/Sign_0/Signature.xml",
                f'<ofd:Signature xmlns:ofd="{NS}"><ofd:SignedInfo>'
                '<ofd:StampAnnot ID="1" PageRef="100" Boundary="100 100 40 40"/>'
                "</ofd:SignedInfo><ofd:SignedValue>SignedValue.dat</ofd:SignedValue>"
                "</ofd:Signature>",
            )
            z.writestr("Doc_0/Signs/Sign_0/SignedValue.dat", seal)
        for name, data in (extra_files or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


def der_octets(payload: bytes) -> bytes:
    """A DER SEQUENCE holding one OCTET STRING, the way an SES seal holds its picture."""

    def tlv(tag: int, value: bytes) -> bytes:
        n = len(value)
        length = bytes([n]) if n < 128 else bytes([0x84]) + n.to_bytes(4, "big")
        return bytes([tag]) + length + value

    return tlv(0x30, tlv(0x16, b"ofd") + tlv(0x04, payload))

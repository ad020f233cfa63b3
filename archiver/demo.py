"""``archiver demo``: a complete sample workspace, generated deterministically.

附1 at municipal level, as departments might have filled it a month before the inspection:
explanations of realistic length (most within 500 字, some over, two over 1000, one still the
template), multi-page PDFs, photo-like images (one with an EXIF rotation), spreadsheets, a
landscape page, a few broken files, and about a quarter of the materials still missing.
The same seed always gives the same files (fixed dates, fixed zip entry times).
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import tempfile
from pathlib import Path

from archiver.fsutil import reproducible_zip
from archiver.workspace.init import init_workspace
from archiver.workspace.layout import Folder
from archiver.workspace.requirements import TEMPLATE_FILE

ORG = "濮阳市人力资源和社会保障局"
SEED = 20210106
FIXED = dt.datetime(2021, 4, 1, 9, 0, tzinfo=dt.timezone.utc)

OPENINGS = [
    "为深入贯彻落实法治政府建设实施纲要,",
    "按照市委、市政府关于创建法治政府建设示范市的统一部署,",
    "根据《濮阳市法治政府建设示范市创建工作方案》要求,",
    "为进一步提升依法行政能力和水平,",
]
ACTIONS = [
    "我局成立了以主要负责同志为组长的工作领导小组,明确分管领导和责任科室,",
    "我局对照指标逐项梳理任务,建立工作台账,实行清单化管理,",
    "我局组织相关科室开展专项自查,对发现的问题逐条制定整改措施,",
    "我局将该项工作纳入年度重点工作,定期调度推进,",
    "我局修订完善了相关制度,进一步规范工作流程和办理时限,",
]
RESULTS = [
    "全年共办理相关事项{n}件,办结率达到100%。",
    "通过门户网站和政务新媒体向社会公开信息{n}条,接受群众监督。",
    "组织专题培训{k}次,参训干部职工{n}人次,依法行政意识明显增强。",
    "相关做法得到上级部门肯定,群众满意度达到{p}%以上。",
    "截至{y}年底,相关制度已全部建立并有效运行。",
    "{y}年{m}月,我局对有关文件进行了全面清理,废止{k}件、修改{k2}件。",
]
CLOSINGS = [
    "下一步,我局将继续巩固创建成果,推动法治政府建设各项工作再上新台阶。",
    "今后,我局将坚持问题导向,持续完善长效机制,确保各项任务落到实处。",
]
DOC_TITLES = [
    "关于印发《{x}工作方案》的通知",
    "关于进一步加强{x}工作的通知",
    "{x}工作情况汇报",
    "关于开展{x}专项检查的通知",
    "{x}制度汇编",
]
TOPICS = [
    "行政审批制度改革",
    "规范性文件管理",
    "行政执法公示",
    "重大行政决策",
    "政务公开",
    "法治宣传教育",
    "行政复议应诉",
    "信用体系建设",
    "营商环境优化",
    "权责清单管理",
]


def _sentence(rng: random.Random) -> str:
    template = rng.choice(RESULTS)
    return template.format(
        n=rng.randint(12, 980),
        k=rng.randint(2, 12),
        k2=rng.randint(1, 6),
        p=rng.randint(92, 99),
        y=rng.randint(2017, 2020),
        m=rng.randint(1, 12),
    )


def explanation_paragraphs(rng: random.Random, words: int) -> list[str]:
    """Paragraphs of plausible 情况说明 text with about ``words`` 字."""
    from archiver.wordcount import count_paragraphs

    paragraphs = [rng.choice(OPENINGS) + rng.choice(ACTIONS) + _sentence(rng)]
    while count_paragraphs(paragraphs).words < words - 60:
        if rng.random() < 0.3:
            paragraphs.append(rng.choice(ACTIONS).lstrip("我局") + _sentence(rng))
        else:
            paragraphs[-1] += rng.choice(ACTIONS) + _sentence(rng)
    paragraphs.append(rng.choice(CLOSINGS))
    return paragraphs


def _docx(path: Path, title: str, paragraphs: list[str], landscape: bool = False) -> None:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    from archiver.export import gbstyle as g

    doc = Document()
    g.set_style_font(doc.styles["Normal"], g.FANGSONG, g.SIZE_3)
    g.set_document_language(doc)
    g.page_setup(doc.sections[0], landscape=landscape)
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    g.set_run_font(head.add_run(title), g.XIAOBIAOSONG, g.SIZE_2)
    for text in paragraphs:
        p = doc.add_paragraph(text)
        p.paragraph_format.first_line_indent = Pt(32)
    doc.core_properties.created = FIXED
    doc.core_properties.modified = FIXED
    doc.core_properties.author = "archiver demo"
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    reproducible_zip(path)


def _photo(path: Path, rng: random.Random, exif_rotation: bool = False) -> None:
    """A photo-like picture: sky, ground, a building, a banner."""
    from PIL import Image, ImageDraw, ImageFilter

    w, h = rng.choice([(1600, 1200), (1200, 900), (1024, 768)])
    img = Image.new("RGB", (w, h))
    draw = ImageDraw.Draw(img)
    sky = (rng.randint(90, 140), rng.randint(150, 190), rng.randint(210, 250))
    for y in range(h):
        t = y / h
        draw.line([(0, y), (w, y)], fill=tuple(int(c * (1 - 0.3 * t)) for c in sky))
    ground = int(h * rng.uniform(0.6, 0.75))
    draw.rectangle([0, ground, w, h], fill=(rng.randint(80, 120), rng.randint(90, 120), 80))
    bx, bw = int(w * rng.uniform(0.15, 0.3)), int(w * rng.uniform(0.35, 0.5))
    top = int(h * rng.uniform(0.2, 0.35))
    draw.rectangle([bx, top, bx + bw, ground], fill=(rng.randint(180, 220),) * 3)
    for row in range(top + 30, ground - 40, 60):
        for col in range(bx + 20, bx + bw - 40, 70):
            draw.rectangle([col, row, col + 35, row + 35], fill=(70, 90, 120))
    draw.rectangle([bx + 10, top - 50, bx + bw - 10, top - 10], fill=(200, 30, 30))
    img = img.filter(ImageFilter.GaussianBlur(1.2))
    exif = Image.Exif()
    exif[0x0132] = "2020:06:18 10:30:00"  # DateTime
    if exif_rotation:  # a camera held sideways: pixels lie on their side, EXIF says turn them
        img = img.rotate(90, expand=True)
        exif[0x0112] = 6  # rotate 90° clockwise when shown
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, "JPEG", quality=82, exif=exif.tobytes())


def _xlsx(path: Path, rng: random.Random, title: str) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append([title])
    ws.append(["序号", "事项名称", "办理科室", "办理时限(工作日)", "备注"])
    for i in range(1, rng.randint(12, 30)):
        ws.append(
            [
                i,
                f"{rng.choice(TOPICS)}事项{i}",
                rng.choice(["法规调研科", "办公室", "人事科"]),
                rng.randint(1, 20),
                "",
            ]
        )
    wb.properties.created = FIXED.replace(tzinfo=None)
    wb.properties.modified = FIXED.replace(tzinfo=None)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(str(path))
    reproducible_zip(path, core_date="2021-04-01T09:00:00Z")


def _pdfs_from_docx(jobs: list[tuple[Path, Path]], timeout: float) -> None:
    """Convert (docx, pdf) pairs with LibreOffice in one batch; strip dates and IDs."""
    from pypdf import PdfReader, PdfWriter

    from archiver.engines import libreoffice

    if not jobs:
        return
    with tempfile.TemporaryDirectory(prefix="archiver-demo-") as tmp:
        work = Path(tmp)
        sources = []
        for i, (src, _) in enumerate(jobs):
            copy = work / f"d{i:04d}.docx"
            shutil.copyfile(src, copy)
            sources.append(copy)
        results = libreoffice.convert_batch(sources, work / "out", timeout=timeout)
        for (src, target), res in zip(jobs, results, strict=True):
            src.unlink()
            if res.pdf is None:
                continue
            writer = PdfWriter()
            writer.append(PdfReader(str(res.pdf)))
            writer.add_metadata({"/Producer": "archiver demo"})
            with target.open("wb") as fh:
                writer.write(fh)


def create_demo(root: Path, *, seed: int = SEED, timeout: float = 120) -> Path:
    """Create the demo workspace at ``root`` (which must not exist or be empty)."""
    from archiver.errors import ArchiverError

    if root.exists() and any(root.iterdir()):
        raise ArchiverError(f"{root} 已存在且不是空文件夹;请换一个新的文件夹名称")
    report = init_workspace(root, manifest="demonstration", level="municipal", org=ORG)
    config_path = root / "archiver.yaml"
    text = config_path.read_text(encoding="utf-8")
    text = text.replace('filer: ""', 'filer: "局法规调研科"').replace(
        'checker: ""', 'checker: "局法治政府建设领导小组办公室"'
    )
    config_path.write_text(text, encoding="utf-8")
    from archiver.manifest.loader import load_manifest
    from archiver.workspace.layout import plan_layout

    manifest = load_manifest(report.config.manifest_path).manifest
    layout = plan_layout(manifest, report.config.level)
    drop = report.config.drop_root
    rng = random.Random(seed)
    pdf_jobs: list[tuple[Path, Path]] = []
    folders = [f for f in layout.folders if f.collects is not None and not f.pointer]
    template_kept = False
    over_hard = 0
    for i, folder in enumerate(folders):
        path = drop / folder.rel
        mat = folder.material
        assert mat is not None
        roll = rng.random()
        if roll < 0.25:  # not provided yet
            continue
        if mat.kind == "explanation":
            if not template_kept and i > 3:
                template_kept = True  # one unit has not touched its template yet
                continue
            if roll > 0.93 and over_hard < 2:
                words, over_hard = rng.randint(1080, 1250), over_hard + 1
            elif roll > 0.8:
                words = rng.randint(560, 900)
            else:
                words = rng.randint(260, 480)
            limit = mat.word_limit.hard if mat.word_limit else 1000
            if limit > 1000:
                words = rng.randint(900, 1800)
            (path / TEMPLATE_FILE).unlink(missing_ok=True)
            title = f"关于第{folder.indicator.id}项指标的情况说明"
            _docx(path / "情况说明.docx", title, explanation_paragraphs(rng, words))
            if rng.random() < 0.3:
                _photo(path / f"工作照片{rng.randint(1, 9)}.jpg", rng)
        else:
            _evidence(path, folder, rng, pdf_jobs)
    _specials(drop, folders, rng, pdf_jobs)
    _pdfs_from_docx(pdf_jobs, timeout)
    _after_conversion(drop)
    return root


def _evidence(
    path: Path, folder: Folder, rng: random.Random, pdf_jobs: list[tuple[Path, Path]]
) -> None:
    kind = rng.random()
    topic = rng.choice(TOPICS)
    year = rng.randint(2016, 2020)
    if kind < 0.5:
        title = rng.choice(DOC_TITLES).format(x=topic)
        paragraphs = [f"濮人社〔{year}〕{rng.randint(3, 99)}号"] + [
            _sentence(rng) + rng.choice(ACTIONS) + _sentence(rng) for _ in range(rng.randint(6, 24))
        ]
        src = path / f".{rng.randint(0, 10**9)}.docx"
        _docx(src, title, paragraphs)
        pdf_jobs.append((src, path / f"{year}-{rng.randint(1, 12):02d} {title[:18]}.pdf"))
    elif kind < 0.8:
        for n in range(1, rng.randint(2, 4)):
            _photo(path / f"现场照片{n}.jpg", rng)
    else:
        _xlsx(path / f"{topic}台账.xlsx", rng, f"{topic}工作台账")


def _specials(
    drop: Path, folders: list[Folder], rng: random.Random, pdf_jobs: list[tuple[Path, Path]]
) -> None:
    """The files that show the checks and the build at work."""
    evidence = [f for f in folders if f.material is not None and f.material.kind == "evidence"]
    a, b, c, d, e = (drop / evidence[i].rel for i in (0, 3, 6, 9, 12))
    # a landscape page (a wide table exported from Word) and a photo taken sideways
    landscape_src = a / ".landscape.docx"
    _docx(
        landscape_src,
        "行政执法公示事项一览表(横向)",
        ["事项名称  执法依据  执法主体  办理时限  监督电话"] * 12,
        landscape=True,
    )
    pdf_jobs.append((landscape_src, a / "执法公示一览表(横向).pdf"))
    _photo(b / "宣传活动现场(竖拍).jpg", rng, exif_rotation=True)
    # broken files: a download cut short, an empty file, a text file named .pdf
    broken_src = c / ".broken.docx"
    _docx(broken_src, "需要重新下载的文件", [_sentence(rng) for _ in range(30)])
    pdf_jobs.append((broken_src, c / "下载中断的文件.pdf"))
    (d / "空白文件.docx").write_bytes(b"")
    (e / "扫描件(实为文本).pdf").write_text("这是一个被改了扩展名的文本文件。", encoding="utf-8")
    # the same document filed twice, and an old one
    old_src = e / ".old.docx"
    _docx(old_src, "2015年工作总结", [_sentence(rng) for _ in range(10)])
    pdf_jobs.append((old_src, e / "2015年工作总结.pdf"))


def _after_conversion(drop: Path) -> None:
    """Cut the 'download interrupted' PDF in half; file one document twice."""
    for path in sorted(drop.rglob("下载中断的文件.pdf")):
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    pdfs = sorted(p for p in drop.rglob("*.pdf") if "号" not in p.name and "20" in p.name[:4])
    if len(pdfs) >= 2:
        shutil.copyfile(pdfs[0], pdfs[-1].parent / f"{pdfs[0].stem}(重复提交).pdf")

"""Render the Word templates in ``templates/docx/`` with docxtpl.

A workspace overrides any template by putting a file of the same name in its ``templates/``
folder. Values are escaped (``& < >`` appear literally) and never re-evaluated (a file name
holding ``{{`` stays text). A template with a syntax error or an unknown field gets a message
naming the template and the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from archiver.errors import ArchiverError
from archiver.fsutil import atomic_path, reproducible_zip

if TYPE_CHECKING:
    from archiver.docxcompiled import CompiledTemplate

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "docx"


class TemplateError(ArchiverError):
    pass


@dataclass(frozen=True)
class Link:
    """Rich text for a ``{{r field }}`` tag: ``text``, a hyperlink to ``url`` when given."""

    text: str
    url: str | None = None
    size: float | None = None  # points; the template's size when None
    styled: bool = False  # printed as a link is (colour, underline) without being one


def printed_only(value: Any) -> Any:
    """The context with each hyperlink printed as it looks but no longer a link: what
    LibreOffice prints from it is the same, and the fast (compiled) path can render it."""
    if isinstance(value, Link):
        return Link(value.text, None, value.size, styled=True) if value.url else value
    if isinstance(value, dict):
        return {k: printed_only(v) for k, v in value.items()}
    if isinstance(value, list):
        return [printed_only(v) for v in value]
    return value

    def __str__(self) -> str:  # how it reads where a template prints it as plain text
        return self.text


def _with_links(value: Any, tpl: Any) -> Any:
    """Replace every :class:`Link` in the context by a docxtpl RichText hyperlink."""
    from docxtpl import RichText

    if isinstance(value, Link):
        half_points = int(value.size * 2) if value.size else None
        if value.url is None and not value.styled:
            return RichText(value.text, size=half_points)
        return RichText(
            value.text,
            url_id=tpl.build_url_id(value.url) if value.url is not None else None,
            color="1F4E9D",
            underline=True,
            size=half_points,
        )
    if isinstance(value, dict):
        return {k: _with_links(v, tpl) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_links(v, tpl) for v in value]
    return value


def template_path(name: str, workspace: Path | None = None) -> Path:
    if workspace is not None:
        override = workspace / "templates" / name
        if override.is_file():
            return override
    path = TEMPLATES / name
    if not path.is_file():
        raise TemplateError(f"找不到模板 {name}(应在 {TEMPLATES} 中)")
    return path


def render_docx(
    name: str, context: dict[str, Any], out: Path, workspace: Path | None = None
) -> None:
    """Render template ``name`` with ``context`` into ``out`` (written atomically).

    The template is parsed once per process (:mod:`archiver.docxcompiled`); contexts with
    hyperlinks, and templates that path cannot take, go through docxtpl itself.
    """
    render_template_file(template_path(name, workspace), context, out)


def jinja_env() -> Any:
    """The environment every template is rendered in: unknown fields are errors, values
    are escaped."""
    import jinja2

    return jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)


def compiled_template(path: Path) -> CompiledTemplate | None:
    """The template at ``path`` parsed once per process (None: docxtpl must render it)."""
    from archiver.docxcompiled import compiled

    return compiled(path, path.read_bytes(), jinja_env)


def render_template_file(path: Path, context: dict[str, Any], out: Path) -> None:
    """Render the template file at ``path`` (see :func:`render_docx`)."""
    import jinja2

    fast = None if _has_url(context) else compiled_template(path)
    try:
        if fast is not None:
            changed = fast.render(_with_links(context, None))
        else:
            from docxtpl import DocxTemplate

            tpl = DocxTemplate(str(path))
            tpl.render(_with_links(context, tpl), jinja_env=jinja_env(), autoescape=True)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(
            f"模板 {path} 第 {exc.lineno} 行语法错误:{exc.message};"
            "请检查 {{ }} 和 {% %} 是否成对"
        ) from exc
    except jinja2.UndefinedError as exc:
        field = str(exc.message or exc).split("'")[1] if "'" in str(exc) else str(exc)
        known = "、".join(sorted(context))
        raise TemplateError(f"模板 {path} 使用了不存在的字段“{field}”;可用的字段:{known}") from exc
    except Exception as exc:  # a damaged .docx template: name it rather than crash
        raise TemplateError(f"模板 {path} 无法使用:{exc}") from exc
    with atomic_path(out) as tmp:
        if fast is not None:
            fast.write(changed, tmp)
        else:
            tpl.save(str(tmp))
            reproducible_zip(tmp)


def _has_url(value: Any) -> bool:
    if isinstance(value, Link):
        return value.url is not None
    if isinstance(value, dict):
        return any(_has_url(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_url(v) for v in value)
    return False

"""Binding: turning a checked workspace into the archive (``archiver build``), in stages.

In the order a build runs them:

1. ``plan``          which documents go into which volume, in which order (pure);
2. ``convert``       every file to PDF, cached by content hash (LibreOffice, img2pdf);
3. ``pages``         archiver's own pages as render jobs: covers, 卷内目录, 备考表, 暂缺 and
                     失败 placeholders, pointers to shared materials (pure);
   ``render``        those jobs rendered from the Word templates, cached; ``bundle`` renders a
                     part's cover, contents and 备考表 as one document;
4. ``parts``         volumes split into parts (册) and their pages numbered (pure);
5. ``index``         the index volume (索引卷) for reviewers, with links to every page;
   ``explanations``  the 情况说明汇编 of each volume;
6. ``assemble``      one part written as a PDF (``stamp`` prints the page numbers), reused
                     from ``partcache`` when nothing in it changed;
7. ``report``        build-report.json and 组卷说明.txt as typed values;
8. ``publish``       the workspace lock, a temporary folder, checksums, one rename;
9. ``verify``        ``archiver verify``: re-hash a published build.

``run`` wires the stages together.
"""

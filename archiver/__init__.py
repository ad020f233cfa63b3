"""archiver: 把法治政府建设示范创建材料整理成经过检查、带索引和页码的档案.

The package is split by pipeline stage: ``manifest`` (load and validate the indicator
manifests), ``wordcount`` (字数 as Word counts it), ``export`` (documents printed from a
manifest), ``engines`` (the one place that runs external programs). The click layer in
``cli`` is thin: it parses, calls one core function, renders and sets the exit code.
"""

__version__ = "0.1.0"

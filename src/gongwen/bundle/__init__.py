"""PDF bundles: a cover, a 目录, bookmarks, page labels and metadata over many PDFs.

:mod:`.assemble` merges the documents; :mod:`.pages` makes the cover and the 目录;
:mod:`.pdffile` labels, stamps and writes the merged file.
"""

from __future__ import annotations

from .assemble import Bookmark, BundleEntry, BundleResult, PlacedEntry, build_bundle

__all__ = ["Bookmark", "BundleEntry", "BundleResult", "PlacedEntry", "build_bundle"]

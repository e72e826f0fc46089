"""DOCX → PDF through headless LibreOffice, with the official fonts mapped to open faces.

- :class:`Converter` keeps LibreOffice running (parallel workers, time limits) and
  checks every input and output, raising :class:`~gongwen.errors.ConversionError`;
  :func:`shared_converter` is the one a process uses when it is handed none.
- :func:`convert_many` converts many documents fast by combining those of one template.
- :func:`font_config_path` is the fontconfig file LibreOffice is started with;
  :func:`fonts_in_pdf` says which faces a PDF really uses.
- :func:`doctor_report` tells what this machine will do, for ``gongwen doctor``.
"""

from .combined import ConversionResult, convert_many
from .converter import Converter
from .doctor import DoctorReport, FaceResolution, doctor_report
from .fonts import (
    FONT_SUBSTITUTES,
    SUBSTITUTIONS,
    EmbeddedFont,
    Substitution,
    find_font_dir,
    font_config_path,
    fonts_in_pdf,
    replaced_names,
)
from .libreoffice import find_soffice, libreoffice_version
from .shared import close_shared_converter, shared_converter
from .verify import check_docx, check_pdf, pdf_page_count

__all__ = [
    "FONT_SUBSTITUTES",
    "SUBSTITUTIONS",
    "ConversionResult",
    "Converter",
    "DoctorReport",
    "EmbeddedFont",
    "FaceResolution",
    "Substitution",
    "check_docx",
    "close_shared_converter",
    "check_pdf",
    "convert_many",
    "doctor_report",
    "find_font_dir",
    "find_soffice",
    "font_config_path",
    "fonts_in_pdf",
    "libreoffice_version",
    "pdf_page_count",
    "replaced_names",
    "shared_converter",
]

"""gongwen: Chinese official documents (公文) from structured data, to GB/T 9704-2012."""

from .documents import Document, render, render_all
from .errors import BundleError, ConversionError, GongwenError, InputError, Location, TemplateError
from .models import Plan
from .standard import PROFILES, Profile, get_profile

__version__ = "0.1.0"

__all__ = [
    "PROFILES",
    "BundleError",
    "ConversionError",
    "Document",
    "GongwenError",
    "InputError",
    "Location",
    "Plan",
    "Profile",
    "TemplateError",
    "get_profile",
    "render",
    "render_all",
]

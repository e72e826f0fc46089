"""Reading user files while remembering where every value came from."""

from .loader import SourceData, load_data, load_text

__all__ = ["SourceData", "load_data", "load_text"]

"""The API spec: where it comes from (sources), how it is read (load, cache) and queried (index)."""
from explorer.spec.cache import load_index
from explorer.spec.index import SpecIndex
from explorer.spec.sources import SpecChoice, find_spec

__all__ = ["SpecChoice", "SpecIndex", "find_spec", "load_index"]

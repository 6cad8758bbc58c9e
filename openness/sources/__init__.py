"""Where model facts come from. Only `sources.hub` talks to the network."""
from openness.sources.interface import MetadataSource

__all__ = ["MetadataSource"]

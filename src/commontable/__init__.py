"""CommonTable: the open platform for regional health care collaboratives."""

__version__ = "0.1.0"

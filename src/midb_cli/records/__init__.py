"""Reading and writing records."""

from midb_cli.records.pair import ROLES, Pair, Role
from midb_cli.records.reader import META_KEY, ReadCounts, Record, RecordReader, Reject
from midb_cli.records.schema import Schema

__all__ = [
    "META_KEY",
    "ROLES",
    "Pair",
    "ReadCounts",
    "Record",
    "RecordReader",
    "Reject",
    "Role",
    "Schema",
]

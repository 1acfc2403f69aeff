"""Embeddings from the Arrow ecosystem: a Parquet, Arrow IPC (file or stream) or Feather (v2)
table with a vector column (a fixed-size list or list of floats) and a label column (strings, or
dictionary-encoded strings: a pandas ``category``).

The columns are the ones named by ``--vectors-column`` / ``--labels-column``, else found when
there is exactly one candidate of each kind. The table is read a record batch at a time; vectors
go to numpy through the Arrow buffers (never as Python lists), labels are decoded per batch.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from latentcli.errors import BadVectorFile, ModelError, UsageError
from latentcli.failures import os_message
from latentcli.store.readers.collect import Collector, Vectors

if TYPE_CHECKING:
    import pyarrow as pa

    from latentcli.core.progress import Progress

PARQUET_MAGIC = b"PAR1"
ARROW_MAGIC = b"ARROW1"
# An Arrow IPC stream (``.arrows``, ``pa.ipc.new_stream``) has no magic: it opens with a message,
# whose continuation marker is 0xFFFFFFFF.
ARROW_STREAM_MAGIC = b"\xff\xff\xff\xff"
BATCH_ROWS = 8192
# What `write_embeddings` writes, by the file name's suffix.
WRITTEN_FORMATS = {".parquet": "parquet", ".arrow": "arrow", ".feather": "arrow"}


def _is_vector(kind: pa.DataType) -> bool:
    import pyarrow as pa

    return bool((pa.types.is_list(kind) or pa.types.is_large_list(kind)
                 or pa.types.is_fixed_size_list(kind)) and pa.types.is_floating(kind.value_type))


def _is_label(kind: pa.DataType) -> bool:
    """Strings, or strings stored once in a dictionary (pandas ``category``, Polars ``Categorical``,
    which Parquet keeps dictionary-encoded)."""
    import pyarrow as pa

    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def choose_column(path: Path, schema: pa.Schema, wanted: str | None, what: str,
                  fits: Any, flag: str) -> str:
    """The column ``wanted`` names (checked), else the only column that ``fits``; otherwise a
    usage error listing the candidates."""
    candidates = [field.name for field in schema if fits(field.type)]
    if wanted is not None:
        if wanted not in schema.names:
            raise UsageError(f"{path.name} has no column {wanted!r} (columns: "
                             f"{', '.join(schema.names)})")
        if wanted not in candidates:
            raise UsageError(f"{path.name}: column {wanted!r} is {schema.field(wanted).type}, "
                             f"not {what}")
        return wanted
    if len(candidates) == 1:
        return str(candidates[0])
    listed = ", ".join(candidates) if candidates else "none"
    problem = "has no" if not candidates else "has several"
    raise UsageError(f"{path.name} {problem} {what} column(s) (candidates: {listed}); choose "
                     f"one with {flag}")


def _batches(path: Path, kind: str) -> tuple[pa.Schema, Any]:
    """The file's schema and an iterator over its record batches."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        if kind == "parquet":
            parquet = pq.ParquetFile(path)
            return parquet.schema_arrow, lambda columns: parquet.iter_batches(
                batch_size=BATCH_ROWS, columns=columns)
        if kind == "arrow-stream":
            stream = pa.ipc.open_stream(pa.memory_map(str(path)))
            return stream.schema, lambda columns: (batch.select(columns) for batch in stream)
        reader = pa.ipc.open_file(pa.memory_map(str(path)))
    except (pa.ArrowException, OSError) as error:
        raise BadVectorFile(path, f"not a readable {kind} table ({error})") from None
    return reader.schema, lambda columns: (
        reader.get_batch(index).select(columns) for index in range(reader.num_record_batches))


def _rows(path: Path, column: pa.Array, first: int, dims: int | None) -> np.ndarray[Any, Any]:
    """The batch's vectors as a (rows, dims) float32 matrix, or a `BadVectorFile` naming the
    row: a null vector, a null value, or a length that differs from the first row's."""
    import pyarrow as pa

    if column.null_count:
        row = first + int(np.argmax(np.asarray(column.is_null())))
        raise BadVectorFile(path, "the vector is null", row=row + 1)
    if pa.types.is_fixed_size_list(column.type):
        lengths = np.full(len(column), column.type.list_size)
    else:
        offsets = np.asarray(column.offsets)
        lengths = np.diff(offsets)
    width = dims if dims is not None else int(lengths[0]) if len(lengths) else 0
    wrong = np.flatnonzero(lengths != width)
    if wrong.size:
        row = first + int(wrong[0])
        raise BadVectorFile(path, f"the vector has {lengths[wrong[0]]} values, the first had "
                                  f"{width} (mixed vector lengths)", row=row + 1)
    if width < 1:
        raise BadVectorFile(path, "the vector is empty", row=first + 1)
    values = column.flatten()
    if values.null_count:
        row = first + int(np.argmax(np.asarray(values.is_null()))) // width
        raise BadVectorFile(path, "the vector holds a null value", row=row + 1)
    return np.asarray(values.to_numpy(zero_copy_only=False), dtype=np.float32).reshape(-1, width)


def read_table(path: Path, kind: str, limit: int | None, progress: Progress,
               columns: tuple[str | None, str | None]) -> Vectors:
    """A table's labels and vectors (see the module's docstring); errors name the file and row."""
    import pyarrow as pa

    schema, batches = _batches(path, kind)
    vectors = choose_column(path, schema, columns[0], "list-of-float", _is_vector,
                            "--vectors-column")
    labels = choose_column(path, schema, columns[1], "string", _is_label, "--labels-column")
    collector: Collector | None = None
    first = 0
    try:
        for batch in batches([labels, vectors]):
            label_column = batch.column(labels)
            if label_column.null_count:
                row = first + int(np.argmax(np.asarray(label_column.is_null())))
                raise BadVectorFile(path, "the label is null", row=row + 1)
            rows = _rows(path, batch.column(vectors), first,
                         collector.dims if collector else None)
            if collector is None:
                capacity = min(schema_rows(path, kind), limit or sys.maxsize)
                collector = Collector(path, capacity, rows.shape[1], unit="row")
            if pa.types.is_dictionary(label_column.type):
                label_column = label_column.dictionary_decode()
            raw = label_column.cast(pa.large_binary()).to_pylist()
            collector.add(raw, rows, range(first + 1, first + 1 + len(rows)))
            first += len(rows)
            if collector.full:
                break
    except pa.ArrowException as error:
        raise BadVectorFile(path, f"cannot be read ({error})", row=first + 1) from None
    if collector is None:
        raise BadVectorFile(path, "holds no rows")
    progress(path.stat().st_size)
    return collector.result(kind)


def schema_rows(path: Path, kind: str) -> int:
    """How many rows the table says it has (from its footer: nothing is read)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if kind == "parquet":
        return int(pq.ParquetFile(path).metadata.num_rows)
    if kind == "arrow-stream":  # no footer: count the batches (memory-mapped, nothing decoded)
        return sum(batch.num_rows for batch in pa.ipc.open_stream(pa.memory_map(str(path))))
    reader = pa.ipc.open_file(pa.memory_map(str(path)))
    return sum(reader.get_batch(index).num_rows for index in range(reader.num_record_batches))


def write_embeddings(path: Path, texts: list[str], matrix: np.ndarray[Any, Any]) -> None:
    """A ``text`` (string) + ``vector`` (fixed-size list of float32) table that pandas, DuckDB
    and Embedding Atlas read: Parquet, or Arrow IPC for ``.arrow``/``.feather``. Written aside and
    renamed, so an interrupted write leaves no half file; a symbolic link is written through (the
    file it points to is replaced, the link kept)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = np.ascontiguousarray(matrix, dtype=np.float32)
    vectors = pa.FixedSizeListArray.from_arrays(pa.array(rows.reshape(-1)), rows.shape[1])
    table = pa.table({"text": pa.array(texts, pa.string()), "vector": vectors})
    from latentcli.store.artifacts import atomic_file

    try:
        with atomic_file(path) as temporary:
            if WRITTEN_FORMATS.get(path.suffix.lower()) == "parquet":
                pq.write_table(table, str(temporary))
            else:
                with pa.OSFile(str(temporary), "wb") as sink, \
                        pa.ipc.new_file(sink, table.schema) as out:
                    out.write_table(table)
    except OSError as error:
        reason = (f"the folder {path.parent} does not exist"
                  if isinstance(error, FileNotFoundError) and not path.parent.is_dir()
                  else "it is a directory" if path.is_dir()
                  else error.strerror or os_message(error))
        raise ModelError(f"cannot write {path}: {reason}") from None

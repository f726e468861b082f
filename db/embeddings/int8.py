"""Run the model's int8 weights as int8: its matrix products, rewritten at load.

The packaged model stores each weight matrix as int8 with a per-column scale, restored by a
`Cast` and a `Mul` in front of a float `MatMul`. onnxruntime folds those into float32 weights
when it loads the model, so every run reads 42 MB of weights for a few tokens' worth of
work: a one-token query cost 2.8 ms of CPU, 14 tokens 5.9 ms. Rewritten to onnxruntime's
`DynamicQuantizeMatMul` (the activations quantized per run, int8 weights multiplied as
they are, VNNI where the CPU has it) the same runs take 1.0 and 2.0 ms, with vectors at
cosine ≥ 0.99 to the float path's (`tests/test_semantic.py` holds that).

The rewrite needs no `onnx` package: the model is a protobuf message, and the few fields it
touches are declared here by their numbers in onnx.proto (everything else passes through
untouched as fields this schema does not name). It is done on the bytes whose sha256 was
checked, once per process.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

_INT8 = 3  # onnx TensorProto.DataType
_FLOAT = 1
_MS_DOMAIN = "com.microsoft"

# (message, [(field name, number, protobuf type, repeated, message type)]): the subset of
# onnx.proto read or written here; types: 3 int64, 5 int32, 9 string, 11 message, 12 bytes
_SCHEMA: list[tuple[str, list[tuple[str, int, int, bool, str | None]]]] = [
    ("OperatorSetIdProto", [("domain", 1, 9, False, None), ("version", 2, 3, False, None)]),
    (
        "TensorProto",
        [
            ("dims", 1, 3, True, None),
            ("data_type", 2, 5, False, None),
            ("name", 8, 9, False, None),
            ("raw_data", 9, 12, False, None),
        ],
    ),
    (
        "NodeProto",
        [
            ("input", 1, 9, True, None),
            ("output", 2, 9, True, None),
            ("name", 3, 9, False, None),
            ("op_type", 4, 9, False, None),
            ("domain", 7, 9, False, None),
        ],
    ),
    (
        "GraphProto",
        [("node", 1, 11, True, "NodeProto"), ("initializer", 5, 11, True, "TensorProto")],
    ),
    (
        "ModelProto",
        [
            ("opset_import", 8, 11, True, "OperatorSetIdProto"),
            ("graph", 7, 11, False, "GraphProto"),
        ],
    ),
]


def _model_class() -> Any:
    """The ModelProto message class of this schema subset (proto2: unknown fields are kept)."""
    pool = descriptor_pool.DescriptorPool()
    file = descriptor_pb2.FileDescriptorProto(
        name="onrecord_onnx_subset.proto", package="onrecord_onnx", syntax="proto2"
    )
    for name, fields in _SCHEMA:
        message = file.message_type.add(name=name)
        for field_name, number, kind, repeated, type_name in fields:
            field = message.field.add(name=field_name, number=number, type=kind)
            field.label = 3 if repeated else 1  # LABEL_REPEATED / LABEL_OPTIONAL
            if type_name:
                field.type_name = f".onrecord_onnx.{type_name}"
    pool.Add(file)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("onrecord_onnx.ModelProto"))


def int8_matmuls(model: bytes) -> tuple[bytes, int]:
    """The model with every `MatMul(x, Cast(int8 W) * scale)` made a `DynamicQuantizeMatMul`
    of x and the int8 W itself; and how many were rewritten (0: nothing of the kind)."""
    proto = _model_class().FromString(model)
    graph = proto.graph
    tensors = {t.name: t for t in graph.initializer}
    made_by = {output: node for node in graph.node for output in node.output}
    nodes, rewritten = [], 0
    for node in graph.node:
        weights = _int8_weights(node, made_by, tensors)
        if weights is None:
            nodes.append(node)
            continue
        quantized, scale = weights
        columns = np.frombuffer(scale.raw_data, dtype="<f4").size
        flat = graph.initializer.add(name=f"{scale.name}/columns", data_type=_FLOAT)
        flat.dims.append(columns)
        flat.raw_data = scale.raw_data
        zero = graph.initializer.add(name=f"{scale.name}/zero", data_type=_INT8)
        zero.dims.append(columns)
        zero.raw_data = bytes(columns)
        replacement = type(node)(
            name=f"{node.name}/int8", op_type="DynamicQuantizeMatMul", domain=_MS_DOMAIN
        )
        replacement.input.extend([node.input[0], quantized, flat.name, zero.name])
        replacement.output.extend(node.output)
        nodes.append(replacement)
        rewritten += 1
    if rewritten:
        del graph.node[:]
        graph.node.extend(nodes)  # the Cast and Mul left unused are dropped by onnxruntime
        proto.opset_import.add(domain=_MS_DOMAIN, version=1)
    return proto.SerializeToString(), rewritten


def _int8_weights(node: Any, made_by: dict[str, Any], tensors: dict[str, Any]) -> Any:
    """(int8 weight name, scale tensor) when `node` multiplies by a restored int8 matrix."""
    if node.op_type != "MatMul" or node.domain or len(node.input) != 2:
        return None
    restore = made_by.get(node.input[1])
    if restore is None or restore.op_type != "Mul":
        return None
    cast = next((made_by[i] for i in restore.input if i in made_by), None)
    scale = next((tensors[i] for i in restore.input if i in tensors), None)
    if cast is None or scale is None or cast.op_type != "Cast" or scale.data_type != _FLOAT:
        return None
    weight = tensors.get(cast.input[0])
    if weight is None or weight.data_type != _INT8 or len(weight.dims) != 2:
        return None
    if np.frombuffer(scale.raw_data, dtype="<f4").size != weight.dims[1]:
        return None  # not one scale per column
    return weight.name, scale

"""Decodes OTLP/HTTP protobuf trace exports with Google's protobuf (not the exporter's encoder).

usage: otlp_decode.py BODY_FILE...
Prints one JSON document: {"spans": [...]}, a span per entry with its resource's service.name,
ids in lowercase hex, the kind and status by their enum names, and attributes as plain values.
Exits 1, naming the file, when a body does not parse or carries fields the protocol does not
define (a field number the exporter got wrong shows up as an unknown field).
"""
import json
import os
import subprocess
import sys
import tempfile

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

HERE = os.path.dirname(os.path.abspath(__file__))


def load_request_class():
    with tempfile.TemporaryDirectory() as work:
        descriptor_set = os.path.join(work, "otlp.pb")
        subprocess.run(
            ["protoc", f"--proto_path={HERE}", f"--descriptor_set_out={descriptor_set}", "otlp_trace.proto"],
            check=True,
        )
        files = descriptor_pb2.FileDescriptorSet()
        with open(descriptor_set, "rb") as handle:
            files.ParseFromString(handle.read())
    pool = descriptor_pool.DescriptorPool()
    for file in files.file:
        pool.Add(file)
    descriptor = pool.FindMessageTypeByName("otlp_check.ExportTraceServiceRequest")
    return message_factory.MessageFactory(pool).GetPrototype(descriptor)


def unknown_fields(message, path="request"):
    """Paths of every message in the tree that holds fields its schema does not define."""
    found = [path] if len(message.UnknownFields()) > 0 else []
    for field, value in message.ListFields():
        if field.message_type is None:
            continue
        children = value if field.label == field.LABEL_REPEATED else [value]
        for index, child in enumerate(children):
            found += unknown_fields(child, f"{path}.{field.name}[{index}]")
    return found


def plain(value):
    kind = value.WhichOneof("value")
    if kind == "array_value":
        return [plain(item) for item in value.array_value.values]
    if kind == "kvlist_value":
        return {pair.key: plain(pair.value) for pair in value.kvlist_value.values}
    if kind == "bytes_value":
        return value.bytes_value.hex()
    return getattr(value, kind) if kind else None


def attributes(pairs):
    return {pair.key: plain(pair.value) for pair in pairs}


def main(paths):
    request_class = load_request_class()
    spans = []
    for path in paths:
        request = request_class()
        with open(path, "rb") as handle:
            body = handle.read()
        try:
            request.ParseFromString(body)
        except Exception as error:  # noqa: BLE001 - any parse failure is the finding
            print(f"{path}: not an ExportTraceServiceRequest: {error}", file=sys.stderr)
            return 1
        unknown = unknown_fields(request)
        if unknown:
            print(f"{path}: fields the protocol does not define in {', '.join(unknown)}", file=sys.stderr)
            return 1
        for resource_spans in request.resource_spans:
            resource = attributes(resource_spans.resource.attributes)
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    spans.append(
                        {
                            "service": resource.get("service.name"),
                            "scope": scope_spans.scope.name,
                            "trace_id": span.trace_id.hex(),
                            "span_id": span.span_id.hex(),
                            "parent_span_id": span.parent_span_id.hex(),
                            "name": span.name,
                            "kind": span.SpanKind.Name(span.kind),
                            "start_ns": span.start_time_unix_nano,
                            "end_ns": span.end_time_unix_nano,
                            "status": span.status.StatusCode.Name(span.status.code),
                            "attributes": attributes(span.attributes),
                        }
                    )
    json.dump({"spans": spans}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

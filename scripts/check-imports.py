#!/usr/bin/env python3
"""Checks SinkScope's module graph (docs/architecture.md) against Package.swift and the sources.

1. The dependency block in docs/architecture.md equals the library targets' dependencies that
   `swift package dump-package` reports (so the picture cannot drift from the build).
2. Every `import M` in a library or executable target's sources names the target itself, a direct
   dependency, or a system module: a module never reaches one above it, nor one it does not declare
   (a transitive import that happens to compile is still a violation).
3. A test target imports only modules within the dependency closure of what it declares.
Exit status 1 with one line per violation; 0 and a one-line summary otherwise.
"""
import json, os, re, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SYSTEM = {"Foundation", "FoundationNetworking", "Glibc", "Darwin", "Dispatch", "XCTest", "Testing", "Synchronization"}
IMPORT = re.compile(r"^\s*(?:@testable\s+|@_exported\s+)?import\s+(?:(?:struct|class|enum|protocol|func|var|typealias)\s+)?([A-Za-z_][A-Za-z0-9_]*)")
HEADER = re.compile(r"^\s*(?:$|//|#if|#else|#elseif|#endif|@testable|@_exported|import\s)")


def imports(source):
    """The modules a file imports: its header lines only (Python inside a string literal is not an import)."""
    found = []
    for line in open(source, encoding="utf-8"):
        if not HEADER.match(line):
            break
        m = IMPORT.match(line)
        if m:
            found.append(m.group(1))
    return found


def package():
    out = subprocess.run(["swift", "package", "dump-package"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    targets = {}
    for t in json.loads(out)["targets"]:
        deps = [list(d.values())[0][0] for d in t.get("dependencies", [])]
        default = "Tests" if t["type"] == "test" else "Sources"
        targets[t["name"]] = (t["type"], deps, t.get("path") or os.path.join(default, t["name"]))
    return targets


def documented():
    text = open(os.path.join(ROOT, "docs/architecture.md")).read()
    block = re.search(r"```dependencies\n(.*?)```", text, re.S)
    if not block:
        sys.exit("docs/architecture.md has no ```dependencies block")
    graph = {}
    for line in block.group(1).splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, deps = line.partition(":")
            graph[name.strip()] = sorted(deps.split())
    return graph


def closure(name, targets, seen=None):
    seen = set() if seen is None else seen
    for d in targets.get(name, ("", [], ""))[1]:
        if d not in seen:
            seen.add(d)
            closure(d, targets, seen)
    return seen


def main():
    targets, doc, problems = package(), documented(), []
    libraries = {n: sorted(t[1]) for n, t in targets.items() if t[0] in ("regular", "executable") and n != "TestSupport"}
    for name in sorted(set(libraries) | set(doc)):
        if libraries.get(name) != doc.get(name):
            problems.append(f"docs/architecture.md says {name}: {' '.join(doc.get(name, ['(missing)']))}; Package.swift says {' '.join(libraries.get(name, ['(missing)']))}")
    files = 0
    for name, (kind, deps, path) in targets.items():
        if kind == "system":
            continue
        allowed = {name} | set(deps) | SYSTEM
        if kind == "test":
            allowed |= set().union(*(closure(d, targets) | {d} for d in deps)) if deps else set()
        for base, _, names in os.walk(os.path.join(ROOT, path)):
            for f in names:
                if not f.endswith(".swift") or "/Generated" in base:
                    continue
                files += 1
                source = os.path.join(base, f)
                for module in imports(source):
                    if module not in allowed:
                        problems.append(f"{os.path.relpath(source, ROOT)} imports {module}, which target {name} does not depend on")
    for p in problems:
        print("import check: " + p)
    if problems:
        sys.exit(1)
    print(f"import check: {files} files in {len(targets)} targets follow the module graph of docs/architecture.md")


if __name__ == "__main__":
    main()

"""Safe YAML reading: ``yaml.safe_load`` semantics, no aliases, bounded size.

Workload and rule files never need anchors and aliases; refusing them removes the
"billion laughs" expansion attack without having to guess a safe expansion limit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import InputError
from .files import MAX_FILE_BYTES, read_text

# libyaml's parser when PyYAML has it (about 7x faster on a review of many files), with the
# same SafeConstructor as yaml.safe_load: only plain data, never Python objects.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _refuse_aliases(root: yaml.Node | None, source: str) -> None:
    """An alias makes two places of the node graph one node: refuse any node met twice."""
    seen: set[int] = set()
    stack = [] if root is None else [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            mark = node.start_mark
            where = f" (the anchor at line {mark.line + 1}, column {mark.column + 1} is reused)" if mark else ""
            raise InputError(f"YAML aliases (*name) are not allowed in advisor files{where}", source=source)
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack += (key, value)
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value


def parse_yaml(text: str, source: str) -> Any:
    """Parse one YAML document from ``text``; ``source`` names it in errors."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise InputError(f"file is larger than {MAX_FILE_BYTES:,} bytes", source=source)
    loader = _SafeLoader(text)
    try:
        # One pass: compose the node graph, check it, then build plain data from it.
        root = loader.get_single_node()
        if "*" in text:  # an alias is written *name: without a star there is none to look for
            _refuse_aliases(root, source)
        return None if root is None else loader.construct_document(root)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = exc.problem or exc.context or "malformed YAML"
        raise InputError(f"not valid YAML{where}: {problem}", source=source) from None
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", source=source) from None
    finally:
        loader.dispose()


def read_yaml_file(path: str | Path) -> Any:
    """Read and parse a YAML file, turning every I/O problem into an InputError."""
    return parse_yaml(read_text(path, what="YAML file", missing="no such file"), str(path))

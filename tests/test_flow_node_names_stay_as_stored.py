"""The flows' node names are stored in every task row (``flow_task``): building the flows
differently must not rename, add or drop a node, nor change where a node leads."""

from __future__ import annotations

import pytest

from workflows.flows import DocumentFlow, RepealFlow

DOCUMENT_FLOW = {
    "await_valid_from": [("publish", "next")],
    "decision": [("decision_result", "next")],
    "decision_result": [
        ("draft", "cond_true"),
        ("registration", "cond_true"),
        ("rejected", "default"),
    ],
    "draft": [("needs_samverkan", "next")],
    "end": [],
    "end_rejected": [],
    "more_preparation": [("decision", "cond_false"), ("preparation", "cond_true")],
    "needs_preparation": [("decision", "cond_false"), ("proposal", "cond_true")],
    "needs_samverkan": [("samverkan", "cond_true"), ("skip_samverkan", "cond_false")],
    "negotiation": [("needs_preparation", "next")],
    "negotiation_demanded": [("needs_preparation", "cond_false"), ("negotiation", "cond_true")],
    "preparation": [("preparation_result", "next")],
    "preparation_result": [("draft", "cond_true"), ("more_preparation", "cond_false")],
    "proposal": [("more_preparation", "next")],
    "publish": [("end", "next")],
    "registration": [("valid_now", "next")],
    "rejected": [("end_rejected", "next")],
    "samverkan": [("union_statement", "default")],
    "samverkan_meeting": [("negotiation_demanded", "next")],
    "skip_samverkan": [("needs_preparation", "next")],
    "start": [("draft", "next")],
    "statements_in": [("samverkan_meeting", "next")],
    "union_statement": [("statements_in", "next")],
    "valid_now": [("await_valid_from", "cond_false"), ("publish", "cond_true")],
}

REPEAL_FLOW = {
    "apply_repeal": [("end", "next")],
    "decision": [("decision_result", "next")],
    "decision_result": [
        ("registration", "cond_true"),
        ("rejected", "default"),
        ("repeal_draft", "cond_true"),
    ],
    "end": [],
    "end_rejected": [],
    "more_preparation": [("decision", "cond_false"), ("preparation", "cond_true")],
    "needs_preparation": [("decision", "cond_false"), ("proposal", "cond_true")],
    "preparation": [("preparation_result", "next")],
    "preparation_result": [("more_preparation", "cond_false"), ("repeal_draft", "cond_true")],
    "proposal": [("more_preparation", "next")],
    "registration": [("apply_repeal", "next")],
    "rejected": [("end_rejected", "next")],
    "repeal_draft": [("needs_preparation", "next")],
    "start": [("repeal_draft", "next")],
}


@pytest.mark.parametrize(
    ("flow_class", "expected"), [(DocumentFlow, DOCUMENT_FLOW), (RepealFlow, REPEAL_FLOW)]
)
def test_each_flow_has_exactly_todays_nodes_and_edges(flow_class, expected):
    nodes = {node.name: node for node in flow_class.instance.nodes()}
    assert sorted(nodes) == sorted(expected)
    for name, node in nodes.items():
        edges = sorted((edge.dst.name, edge.edge_class) for edge in node._outgoing())
        assert edges == expected[name], name


def test_the_flows_do_not_share_node_objects():
    document_nodes = {id(node) for node in DocumentFlow.instance.nodes()}
    assert not document_nodes & {id(node) for node in RepealFlow.instance.nodes()}


def test_the_flows_and_the_actions_they_call_do_not_import_each_other():
    import ast
    from pathlib import Path

    import workflows

    root = Path(workflows.__file__).parent

    def imports(path: Path) -> set[str]:
        found = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                found.add("." * node.level + (node.module or ""))
                found.update(
                    "." * node.level + (node.module or "") + "." + a.name for a in node.names
                )
        return found

    called = {"engine", "publication", "base"}
    flows_imports = imports(root / "flows.py")
    assert ".actions.engine" in flows_imports
    for name in called:
        assert not {i for i in imports(root / "actions" / f"{name}.py") if "flows" in i}, name

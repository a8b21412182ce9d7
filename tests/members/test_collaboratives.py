"""Collaboratives nest to any depth: network, community collaborative, workgroup."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from commontable.errors import Conflict, UserError
from commontable.members import (
    Collaborative,
    CollaborativeType,
    add_collaborative,
    ancestors,
    descendants,
    move_collaborative,
    top_level_collaboratives,
)

NETWORK = CollaborativeType.NETWORK
COMMUNITY = CollaborativeType.COMMUNITY_COLLABORATIVE
WORKGROUP = CollaborativeType.WORKGROUP


@pytest.fixture
def state(db: Session) -> Collaborative:
    """A statewide network with two regions; the south has workgroups, one with a task force."""
    network = add_collaborative(db, "Statewide Health Network", NETWORK)
    south = add_collaborative(db, "South Sound", COMMUNITY, parent=network)
    add_collaborative(db, "North Sound", COMMUNITY, parent=network)
    data = add_collaborative(db, "Data workgroup", WORKGROUP, parent=south)
    add_collaborative(db, "Behavioral health workgroup", WORKGROUP, parent=south)
    add_collaborative(db, "Race and ethnicity data task force", WORKGROUP, parent=data)
    return network


def named(collaboratives: list[Collaborative]) -> list[str]:
    return [c.name for c in collaboratives]


def test_ancestors_run_from_the_parent_up_to_the_top(db: Session, state: Collaborative) -> None:
    task_force = descendants(db, state)[-1]
    assert named(ancestors(db, task_force)) == [
        "Data workgroup",
        "South Sound",
        "Statewide Health Network",
    ]


def test_a_top_level_collaborative_has_no_ancestors(db: Session, state: Collaborative) -> None:
    assert ancestors(db, state) == []
    assert top_level_collaboratives(db) == [state]


def test_descendants_come_level_by_level(db: Session, state: Collaborative) -> None:
    assert named(descendants(db, state)) == [
        "North Sound",
        "South Sound",
        "Behavioral health workgroup",
        "Data workgroup",
        "Race and ethnicity data task force",
    ]


def test_descendants_stay_inside_their_branch(db: Session, state: Collaborative) -> None:
    north = state.children[0]
    assert north.name == "North Sound"
    assert descendants(db, north) == []


def test_a_network_cannot_sit_inside_a_workgroup(db: Session, state: Collaborative) -> None:
    workgroup = descendants(db, state)[2]
    with pytest.raises(UserError, match="a network cannot sit inside workgroup"):
        add_collaborative(db, "Nested network", NETWORK, parent=workgroup)


def test_sibling_names_are_unique(db: Session, state: Collaborative) -> None:
    with pytest.raises(Conflict, match="already exists in 'Statewide Health Network'"):
        add_collaborative(db, "south sound", COMMUNITY, parent=state)


def test_the_same_name_may_be_used_in_another_branch(db: Session, state: Collaborative) -> None:
    north = state.children[0]
    again = add_collaborative(db, "Data workgroup", WORKGROUP, parent=north)
    assert ancestors(db, again)[0] is north


def test_a_workgroup_may_move_to_another_collaborative(db: Session, state: Collaborative) -> None:
    north, south = state.children
    data = next(c for c in south.children if c.name == "Data workgroup")
    move_collaborative(db, data, north)
    assert named(descendants(db, north)) == ["Data workgroup", "Race and ethnicity data task force"]


def test_a_collaborative_cannot_move_inside_itself(db: Session, state: Collaborative) -> None:
    task_force = descendants(db, state)[-1]
    with pytest.raises(UserError, match="which is inside it"):
        move_collaborative(db, state, task_force)

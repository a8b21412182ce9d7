"""Collaboratives nested to any depth: a network holds community collaboratives, which hold
workgroups (and workgroups may hold smaller ones)."""

from __future__ import annotations

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session, aliased

from commontable.errors import Conflict, NotFound, UserError
from commontable.members.models import Collaborative, CollaborativeType


def add_collaborative(
    session: Session,
    name: str,
    type: CollaborativeType,
    *,
    parent: Collaborative | None = None,
    description: str = "",
) -> Collaborative:
    """Start a collaborative, at the top or inside another; sibling names are unique."""
    name = " ".join(name.split())
    if not name:
        raise UserError("a collaborative needs a name")
    if parent is not None:
        _check_nesting(type, parent)
    siblings = select(Collaborative).where(
        Collaborative.parent_id == (parent.id if parent else None),
        func.lower(Collaborative.name) == name.lower(),
    )
    if session.scalars(siblings).first() is not None:
        where = f"in '{parent.name}'" if parent else "at the top level"
        raise Conflict(f"a collaborative named '{name}' already exists {where}")
    collaborative = Collaborative(
        name=name, type=type, parent=parent, description=description.strip()
    )
    session.add(collaborative)
    session.flush()
    return collaborative


def get_collaborative(session: Session, collaborative_id: int) -> Collaborative:
    """The collaborative with this id."""
    collaborative = session.get(Collaborative, collaborative_id)
    if collaborative is None:
        raise NotFound(f"no collaborative with id {collaborative_id}")
    return collaborative


def top_level_collaboratives(session: Session) -> list[Collaborative]:
    """Collaboratives with no parent, by name."""
    query = select(Collaborative).where(Collaborative.parent_id.is_(None))
    return list(session.scalars(query.order_by(Collaborative.name)))


def ancestors(session: Session, collaborative: Collaborative) -> list[Collaborative]:
    """The collaboratives it sits in: its parent first, the top-level one last."""
    chain = (
        select(Collaborative.id, Collaborative.parent_id, literal(1).label("depth"))
        .where(Collaborative.id == collaborative.parent_id)
        .cte("chain", recursive=True)
    )
    parent = aliased(Collaborative)
    chain = chain.union_all(
        select(parent.id, parent.parent_id, chain.c.depth + 1).join(
            chain, parent.id == chain.c.parent_id
        )
    )
    query = select(Collaborative).join(chain, Collaborative.id == chain.c.id)
    return list(session.scalars(query.order_by(chain.c.depth)))


def descendants(session: Session, collaborative: Collaborative) -> list[Collaborative]:
    """Everything nested inside it, level by level (children, then grandchildren), by name."""
    tree = (
        select(Collaborative.id, literal(1).label("depth"))
        .where(Collaborative.parent_id == collaborative.id)
        .cte("tree", recursive=True)
    )
    child = aliased(Collaborative)
    tree = tree.union_all(
        select(child.id, tree.c.depth + 1).join(tree, child.parent_id == tree.c.id)
    )
    query = select(Collaborative).join(tree, Collaborative.id == tree.c.id)
    return list(session.scalars(query.order_by(tree.c.depth, Collaborative.name)))


def move_collaborative(
    session: Session, collaborative: Collaborative, parent: Collaborative | None
) -> None:
    """Put a collaborative under another parent (or at the top); never inside itself."""
    if parent is not None:
        if parent is collaborative or parent in descendants(session, collaborative):
            raise UserError(
                f"'{collaborative.name}' cannot move into '{parent.name}', which is inside it"
            )
        _check_nesting(collaborative.type, parent)
    collaborative.parent = parent
    session.flush()


def _check_nesting(type: CollaborativeType, parent: Collaborative) -> None:
    """A collaborative sits inside one of the same level or a broader one, never a narrower one."""
    if type.level < parent.type.level:
        raise UserError(
            f"a {type.value.replace('_', ' ')} cannot sit inside "
            f"{parent.type.value.replace('_', ' ')} '{parent.name}'"
        )

"""Governance: how the table decides. Decisions (`governance.decisions`: motions and polls, one
organization one vote, quorum, the decision log) and Delphi consensus studies
(`governance.delphi`: rating candidate measures in rounds until the panel agrees).

Governance builds on members, privacy and the app DB; it never imports the measures (a
study's items name library measures by id, as text).
"""

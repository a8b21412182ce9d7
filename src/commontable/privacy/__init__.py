"""Privacy: who may see what (`commontable.privacy.access`), disclosure control of published
cells (`disclosure`) and the safety zone for cost figures; the audit log is its own part
(`commontable.audit`)."""

"""The domain enums of graph.core.model, exposed under the contract's names."""

import strawberry

from graph.core import model

RegionLevel = strawberry.enum(model.RegionLevel)
GridKind = strawberry.enum(model.GridKind)
HouseholdKind = strawberry.enum(model.HouseholdKind)
PartyOrgLevel = strawberry.enum(model.PartyOrgLevel)
MembershipKind = strawberry.enum(model.MembershipKind)
Role = strawberry.enum(model.Role)
GovernanceLevel = strawberry.enum(model.GovernanceLevel)
StationKind = strawberry.enum(model.StationKind)
CaseCategory = strawberry.enum(model.CaseCategory)
CaseState = strawberry.enum(model.CaseState)
CaseAction = strawberry.enum(model.CaseAction)
CaseSource = strawberry.enum(model.CaseSource)
VisitPurpose = strawberry.enum(model.VisitPurpose)
Rating = strawberry.enum(model.Rating)
OrganisationKind = strawberry.enum(model.OrganisationKind)
ProjectKind = strawberry.enum(model.ProjectKind)
ProjectOrigin = strawberry.enum(model.ProjectOrigin)
ProjectState = strawberry.enum(model.ProjectState)
MeetingKind = strawberry.enum(model.MeetingKind)
MatterKind = strawberry.enum(model.MatterKind)

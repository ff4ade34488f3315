"""The use cases of joining (§5.2) and members (§8.1), one field of EnterpriseUseCases (`enterprises.members`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from application.enterprises.add_member import AddMember
from application.enterprises.apply_to_join import ApplyToJoinEnterprise
from application.enterprises.decide_join_application import DecideJoinApplication
from application.enterprises.member_invitations import ActivateMemberInvitations
from application.enterprises.member_queries import GetMember, ListJoinApplications, ListMembers
from application.enterprises.member_removal import MEMBER_REMOVAL_HOOKS, MemberRemovedHook
from application.enterprises.remove_member import RemoveMember
from application.ports import Clock, SecretHasher, UnitOfWorkFactory


@dataclass(frozen=True)
class MemberUseCases:
    apply_to_join: ApplyToJoinEnterprise
    decide_join_application: DecideJoinApplication
    add_member: AddMember
    remove_member: RemoveMember
    list_members: ListMembers
    get_member: GetMember
    list_join_applications: ListJoinApplications
    # Handed to identity verification by the composition root, after ENTERPRISE_IDENTITY_HOOKS.
    identity_hooks: tuple[ActivateMemberInvitations, ...]


def member_use_cases(uow: UnitOfWorkFactory, clock: Clock, hasher: SecretHasher,
                     removal_hooks: Sequence[MemberRemovedHook] = MEMBER_REMOVAL_HOOKS) -> MemberUseCases:
    return MemberUseCases(
        apply_to_join=ApplyToJoinEnterprise(uow, clock),
        decide_join_application=DecideJoinApplication(uow, clock),
        add_member=AddMember(uow, hasher, clock),
        remove_member=RemoveMember(uow, clock, removal_hooks),
        list_members=ListMembers(uow),
        get_member=GetMember(uow),
        list_join_applications=ListJoinApplications(uow),
        identity_hooks=member_identity_hooks(hasher),
    )


def member_identity_hooks(hasher: SecretHasher) -> tuple[ActivateMemberInvitations, ...]:
    """The identity hooks of this part (run after ENTERPRISE_IDENTITY_HOOKS' legal-rep link)."""
    return (ActivateMemberInvitations(hasher),)

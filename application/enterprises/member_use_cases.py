"""The use cases of joining (§5.2) and members (§8.1), one field of EnterpriseUseCases (`enterprises.members`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from application.enterprises.add_member import AddMember
from application.enterprises.apply_to_join import ApplyToJoinEnterprise
from application.enterprises.cancel_member_invitation import CancelMemberInvitation
from application.enterprises.decide_join_application import DecideJoinApplication
from application.enterprises.member_invitations import ActivateMemberInvitations
from application.enterprises.member_queries import (
    GetMember,
    GetMemberInvitation,
    ListJoinApplications,
    ListMemberInvitations,
    ListMembers,
)
from application.enterprises.member_removal import MEMBER_REMOVAL_HOOKS, MemberRemovedHook
from application.enterprises.remove_member import RemoveMember
from application.enterprises.resend_member_invitation import ResendMemberInvitation
from application.ports import Clock, FieldCipher, SecretHasher, UnitOfWorkFactory


@dataclass(frozen=True)
class MemberUseCases:
    apply_to_join: ApplyToJoinEnterprise
    decide_join_application: DecideJoinApplication
    add_member: AddMember
    remove_member: RemoveMember
    list_members: ListMembers
    get_member: GetMember
    list_join_applications: ListJoinApplications
    # §8.1 the invitations addMember made for phones without a verified account.
    list_member_invitations: ListMemberInvitations
    get_member_invitation: GetMemberInvitation
    cancel_member_invitation: CancelMemberInvitation
    resend_member_invitation: ResendMemberInvitation
    # Handed to identity verification by the composition root, after ENTERPRISE_IDENTITY_HOOKS.
    identity_hooks: tuple[ActivateMemberInvitations, ...]


def member_use_cases(uow: UnitOfWorkFactory, clock: Clock, hasher: SecretHasher, cipher: FieldCipher,
                     removal_hooks: Sequence[MemberRemovedHook] = MEMBER_REMOVAL_HOOKS) -> MemberUseCases:
    return MemberUseCases(
        apply_to_join=ApplyToJoinEnterprise(uow, clock),
        decide_join_application=DecideJoinApplication(uow, clock),
        add_member=AddMember(uow, hasher, clock, cipher),
        remove_member=RemoveMember(uow, clock, removal_hooks),
        list_members=ListMembers(uow),
        get_member=GetMember(uow),
        list_join_applications=ListJoinApplications(uow),
        list_member_invitations=ListMemberInvitations(uow, clock),
        get_member_invitation=GetMemberInvitation(uow, clock),
        cancel_member_invitation=CancelMemberInvitation(uow, clock, cipher),
        resend_member_invitation=ResendMemberInvitation(uow, clock, cipher),
        identity_hooks=member_identity_hooks(hasher),
    )


def member_identity_hooks(hasher: SecretHasher) -> tuple[ActivateMemberInvitations, ...]:
    """The identity hooks of this part (run after ENTERPRISE_IDENTITY_HOOKS' legal-rep link)."""
    return (ActivateMemberInvitations(hasher),)

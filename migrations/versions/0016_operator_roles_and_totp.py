"""operator roles, TOTP second factor, four-eyes approvals of enterprise changes

Operators get a role (REVIEWER, SUPERVISOR, ADMIN) and an encrypted TOTP secret with the last accepted step.
Operators that exist before this revision could do everything, so they become ADMIN (and have no second factor:
they keep the GraphQL API on their password and must be made anew with `sxq operator create` for the console).
Reviews record the first approval of an enterprise change, which waits for a second operator.

Revision ID: 0016
Revises: 0010
Create Date: 2026-12-08 01:40:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('operators') as batch:
        batch.add_column(sa.Column('role', sa.Enum('REVIEWER', 'SUPERVISOR', 'ADMIN', name='operatorrole',
                                                   native_enum=False, length=40),
                                   nullable=False, server_default='ADMIN'))
        batch.add_column(sa.Column('totp_secret_ciphertext', sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column('totp_last_step', sa.BigInteger(), nullable=True))
    # The default served the rows already there; new operators always name their role.
    with op.batch_alter_table('operators') as batch:
        batch.alter_column('role', server_default=None)
    with op.batch_alter_table('reviews') as batch:
        batch.add_column(sa.Column('first_approved_by', sa.Uuid(), nullable=True))
        batch.add_column(sa.Column('first_approved_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('reviews') as batch:
        batch.drop_column('first_approved_at')
        batch.drop_column('first_approved_by')
    with op.batch_alter_table('operators') as batch:
        batch.drop_column('totp_last_step')
        batch.drop_column('totp_secret_ciphertext')
        batch.drop_column('role')

"""serialisation locks for counters and caps

Issue 13: SMS cooldowns and daily caps, join refusals and bank-transfer tries were raced by parallel requests. A use
case now writes the row of its key first (INSERT ... ON CONFLICT DO UPDATE), which holds a row lock on PostgreSQL and
the write lock on SQLite until it commits, so parallel requests on one key are counted one after another.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08 01:30:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('serialisation_locks',
    sa.Column('key', sa.String(length=160), nullable=False),
    sa.Column('taken_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_serialisation_locks'))
    )


def downgrade() -> None:
    op.drop_table('serialisation_locks')

"""outbox messages keep the request id and trace context that wrote them; worker heartbeats

Issue 16: a delivery logs under the request id of the request that wrote it and its span links to that request's
trace; /readyz reads the newest outbox worker heartbeat (the worker may run in another process: `sxq worker`).

Revision ID: 0018
Revises: 0012
Create Date: 2026-12-08 02:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('request_id', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('traceparent', sa.String(length=64), nullable=True))
    op.create_table('worker_heartbeats',
    sa.Column('worker', sa.String(length=128), nullable=False),
    sa.Column('beat_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('worker', name=op.f('pk_worker_heartbeats'))
    )


def downgrade() -> None:
    op.drop_table('worker_heartbeats')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('traceparent')
        batch_op.drop_column('request_id')

"""longer pay URLs: the real channels' app parameters

WeChat Pay's app PayReq fields (with a 344-character RSA signature) and Alipay's signed app order string do not
fit the 500 characters the sandbox's pay links needed (adapters/vendors/wechatpay.py, alipay.py).

Revision ID: 0017
Revises: 0010
Create Date: 2026-12-08 01:50:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.alter_column('pay_url', existing_type=sa.String(length=500), type_=sa.String(length=2000),
                              existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.alter_column('pay_url', existing_type=sa.String(length=2000), type_=sa.String(length=500),
                              existing_nullable=False)

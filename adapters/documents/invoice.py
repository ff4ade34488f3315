"""The e-invoice PDF (电子发票) the sandbox tax platform issues: Chinese text in the CJK font."""

from __future__ import annotations

from adapters.documents.fonts import CjkFont
from adapters.documents.layout import ChineseDocument
from application.commerce.ports import InvoiceContent
from domain.clock import CHINA_TZ

_KINDS = {"NORMAL": "电子发票（普通发票）", "SPECIAL": "电子发票（增值税专用发票）"}


def yuan(fen: int) -> str:
    return f"¥{fen // 100}.{fen % 100:02d}"


def render_invoice(content: InvoiceContent, number: str, *, seller: str, seller_tax_number: str,
                   font: CjkFont | None = None) -> bytes:
    title = _KINDS.get(content.invoice_type, "电子发票")
    doc = ChineseDocument(title=title, created=content.issued_at, font=font)
    doc.title(title)
    doc.right_aligned(f"发票号码：{number}", size=10)
    doc.right_aligned(f"开票日期：{content.issued_at.astimezone(CHINA_TZ):%Y年%m月%d日}", size=10)
    doc.fields([
        ("购买方名称", content.title),
        ("购买方纳税人识别号", content.tax_number or "—"),
        ("销售方名称", seller),
        ("销售方纳税人识别号", seller_tax_number),
        ("订单编号", str(content.order_id)),
    ])
    doc.space(12)
    doc.fields([(f"*信息技术服务*{name}", yuan(amount)) for name, amount in content.lines])
    doc.space(12)
    doc.fields([("价税合计", yuan(content.amount_fen))])
    doc.paragraph("本发票由数信签沙箱税务平台开具，仅用于测试，不具备法律效力。", size=10, indent=False)
    return doc.to_bytes()

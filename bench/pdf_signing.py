"""Visible PAdES signatures per second on one core, and seal images per second.

    .venv/bin/python bench/pdf_signing.py [--seconds 5] [--cpu 0] [--backend gmssl] [--json]

One process pinned to one CPU (where the OS allows). It builds a throwaway SM2 hierarchy (root, issuing
CA, event certificate) with the CA's certificate code, renders the enterprise authorisation letter once,
then, for a fixed duration each:

- **visible** — signs the letter with a visible signature: a fresh Pillow appearance (the seal plus two
  lines of Chinese text naming the signer and a per-signature serial, so no two appearances are alike),
  pyhanko's incremental update, SM3 digest, SM2 over the signed attributes. The goal is >= 25/s.
- **invisible** — the same signature without an appearance (what the visible one costs on top).
- **validate** — pyhanko validation of a signed letter with our SM2 validator and trust anchor.
- **org seal / legal-rep seal / personal seal** — PNG faces, the company name varied per image.
- **SES_Seal** — GB/T 38540 seal structures built and signed by the seal maker.
- **letter** — rendering the authorisation letter PDF itself (fpdf2, font subsetting included).

Every signed output of the visible run is counted only if it came back; one of them, and one of the
invisible run, is validated at the end, and a failure marks the run FAIL. Exit code 0 either way."""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

GOAL_VISIBLE_PER_S = 25.0
COMPANIES = ["北京数信科技有限公司", "上海浦江数据服务有限公司", "广州岭南软件股份有限公司", "深圳前海电子认证有限公司",
             "杭州西湖信息技术有限公司", "成都天府云计算有限公司", "武汉光谷网络科技有限公司", "南京金陵智能制造有限公司"]


def _pin(cpu: int | None) -> str:
    if cpu is None or not hasattr(os, "sched_setaffinity"):
        return "not pinned"
    allowed = sorted(os.sched_getaffinity(0))
    if cpu not in allowed:
        cpu = allowed[-1]
    os.sched_setaffinity(0, {cpu})
    return f"pinned to cpu {cpu}"


def _rate(name: str, seconds: float, op: Callable[[int], object]) -> dict:
    op(0)  # warm-up: first-use costs (font files, glyph caches) are start-up, not throughput
    n, start = 0, time.perf_counter()
    deadline = start + seconds
    while True:
        op(n + 1)
        n += 1
        now = time.perf_counter()
        if now >= deadline:
            break
    elapsed = now - start
    return {"name": name, "ops": n, "seconds": round(elapsed, 3), "per_s": round(n / elapsed, 1),
            "ms_per_op": round(1000 * elapsed / n, 2)}


def _pki(backend):
    from adapters.ca import profiles
    from adapters.ca import x509 as sx

    now = datetime.now(UTC)
    rk, ik, ek, mk = (backend.generate_private_key() for _ in range(4))
    cn = {"organization_name": "数信签基准", "country_name": "CN"}
    root = sx.make_root(rk, sx.name(common_name="基准根CA", **cn), now - timedelta(days=1), now + timedelta(days=30))
    issuing = sx.make_issuing_ca(root, rk, sx.name(common_name="基准签发CA", **cn), backend.public_key(ik),
                                 now - timedelta(days=1), now + timedelta(days=20))
    event = sx.issue_certificate(issuing, ik, {"common_name": "王建国", "serial_number": "ID0001"},
                                 backend.public_key(ek), profiles.EVENT, now - timedelta(minutes=1),
                                 now + timedelta(hours=12))
    maker = sx.issue_certificate(issuing, ik, {"common_name": "基准制章", "organization_name": "数信签基准"},
                                 backend.public_key(mk), profiles.SEAL_MAKER, now - timedelta(minutes=1),
                                 now + timedelta(days=10))
    return root, issuing, (ek, event), (mk, maker)


def run(seconds: float, backend_name: str | None = None) -> dict:
    from adapters.crypto.sm2 import available_backends, default_backend
    from adapters.documents import AuthorizationLetterData, render_authorization_letter_with_boxes
    from adapters.documents.pades import SignatureAppearance, Sm2PdfSigner, sign_pdf, validate_pdf
    from adapters.seals import (
        SEAL_TYPE_ORG,
        LegalRepSealFace,
        OrgSealFace,
        PersonalSealFace,
        SealPicture,
        SesSealSpec,
        build_ses_seal,
        render_legal_rep_seal,
        render_org_seal,
        render_personal_seal,
    )

    backend = available_backends()[backend_name] if backend_name else default_backend()
    root, issuing, (event_key, event), (maker_key, maker) = _pki(backend)
    data = AuthorizationLetterData("北京数信科技有限公司", "91110108MA01ABCD2X", "王建国", "李小明", date(2025, 3, 8))
    letter = render_authorization_letter_with_boxes(data)
    seal = render_org_seal(OrgSealFace(COMPANIES[0], "合同专用章", "1101080012345"))
    signer = Sm2PdfSigner(event_key, event, backend, chain=[issuing])
    outputs: dict[str, bytes] = {}

    def visible(i: int) -> None:
        appearance = SignatureAppearance(lines=("签署人：王建国", f"流水号：{i:08d}"), seal_png=seal)
        outputs["visible"] = sign_pdf(letter.pdf, signer, field_name="企业签章", placement=letter.enterprise_seal,
                                      appearance=appearance, reason="企业认证授权")

    def invisible(i: int) -> None:
        outputs["invisible"] = sign_pdf(letter.pdf, signer, field_name="签名")

    results = [_rate("visible PDF signature", seconds, visible),
               _rate("invisible PDF signature", seconds, invisible)]
    signed = outputs["visible"]
    results.append(_rate("validate signed PDF", seconds,
                         lambda i: validate_pdf(signed, [root], backend)))
    results.append(_rate("org seal PNG (420 px)", seconds, lambda i: render_org_seal(
        OrgSealFace(COMPANIES[i % len(COMPANIES)], "合同专用章", f"{1101080000000 + i:013d}"))))
    results.append(_rate("legal-rep seal PNG (240 px)", seconds,
                         lambda i: render_legal_rep_seal(LegalRepSealFace(["王建国", "李明", "欧阳小明"][i % 3]))))
    results.append(_rate("personal seal PNG (110 px high)", seconds,
                         lambda i: render_personal_seal(PersonalSealFace(["李小明", "张三", "司马相如"][i % 3]))))
    now = datetime.now(UTC)
    results.append(_rate("SES_Seal build + sign", seconds, lambda i: build_ses_seal(SesSealSpec(
        f"{i:014d}", SEAL_TYPE_ORG, "北京数信科技有限公司合同专用章", [event], now, now, now + timedelta(days=1),
        SealPicture(seal, 42, 42)), maker, maker_key, backend)))
    results.append(_rate("authorisation letter PDF", seconds,
                         lambda i: render_authorization_letter_with_boxes(data)))

    checks = {name: validate_pdf(outputs[name], [root], backend) for name in ("visible", "invisible")}
    ok = all(len(r) == 1 and r[0].ok for r in checks.values())
    visible_rate = results[0]["per_s"]
    return {
        "backend": backend.name,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "results": results,
        "signatures_validate": ok,
        "goal_visible_per_s": GOAL_VISIBLE_PER_S,
        "verdict": "PASS" if ok and visible_rate >= GOAL_VISIBLE_PER_S else "FAIL",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of each measurement")
    parser.add_argument("--cpu", type=int, default=0, help="CPU to pin to (-1: do not pin)")
    parser.add_argument("--backend", help="SM2 backend by name (default: the default backend)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    pinned = _pin(None if args.cpu < 0 else args.cpu)
    report = run(args.seconds, args.backend)
    report["pinned"] = pinned
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return
    print(f"SM2 backend {report['backend']}, Python {report['python']} on {report['machine']}, {pinned}, "
          f"{args.seconds:g} s each")
    for r in report["results"]:
        print(f"  {r['name']:<32} {r['per_s']:>9.1f} /s  {r['ms_per_op']:>8.2f} ms/op  ({r['ops']} ops)")
    print(f"signed outputs validate: {'yes' if report['signatures_validate'] else 'NO'}")
    print(f"goal >= {GOAL_VISIBLE_PER_S:g} visible signatures/s on one core: {report['verdict']}")


if __name__ == "__main__":
    main()

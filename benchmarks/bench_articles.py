"""Throughput of extract_article on generated news pages with realistic boilerplate.

    .venv/bin/python benchmarks/bench_articles.py            # 2,000 pages, 3 runs
    .venv/bin/python benchmarks/bench_articles.py -n 20000 --write   # the recorded result

Prints one JSON object whose headline is `median_pages_per_cpu_s`: pages per second of this
process's CPU time (time.process_time), median of the runs. That is what one core does whatever
else the machine runs; wall-clock rates are kept beside it. `--write` also saves the object to
benchmarks/results/articles.json (the issue's target: >= 500 pages per CPU-second on 20,000 pages). Pages are ~10-30 KB: menus,
a sidebar of linked titles, a related-news list, a comment box, a footer and 4-12 paragraphs drawn
from OCOP sentences (counts, totals, targets, decisions, product lines).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from pathlib import Path

from ocop_pipeline.news.article import extract_article, extractor_version

RESULT = Path(__file__).parent / "results" / "articles.json"

PROVINCES = ["Thanh Hóa", "Nghệ An", "Bắc Giang", "Quảng Ninh", "Bến Tre", "Lâm Đồng", "Hà Tĩnh", "Sơn La"]
DISTRICTS = ["Lục Ngạn", "Quan Hóa", "Mỹ Lộc", "Thanh Hà", "Ba Chẽ", "Na Rì", "Long Phú"]
SENTENCES = [
    "Ngày {d}/{m}, UBND tỉnh {p} tổ chức hội nghị công bố kết quả đánh giá, phân hạng sản phẩm OCOP năm {y}.",
    ("Theo Quyết định số {n}/QĐ-UBND ngày {d}/{m}/{y}, tỉnh công nhận {a} sản phẩm đạt 3-4 sao của {b} chủ thể; "
    "{c} sản phẩm 4 sao, {e} sản phẩm 3 sao."),
    "Lũy kế đến nay, toàn tỉnh có {t} sản phẩm OCOP còn hiệu lực, trong đó {c} sản phẩm 4 sao.",
    "Mục tiêu giai đoạn 2021-2025 có {t} sản phẩm được xếp hạng từ 3 - 4 sao, ít nhất 3 sản phẩm 5 sao.",
    "Huyện {q} có nhiều sản phẩm tiêu biểu như: mật ong bạc hà, chè shan tuyết, gạo nếp cái hoa vàng.",
    ("Chương trình OCOP là chương trình phát triển kinh tế khu vực nông thôn theo hướng phát triển nội lực và "
    "gia tăng giá trị, là giải pháp, nhiệm vụ trong triển khai thực hiện chương trình xây dựng nông thôn mới."),
    ("Các chủ thể được hỗ trợ thiết kế bao bì, tem truy xuất nguồn gốc, tham gia hội chợ và sàn thương mại điện "
    "tử để mở rộng thị trường tiêu thụ sản phẩm."),
    "Hội đồng đánh giá cấp tỉnh đã chấm điểm {a} sản phẩm, trong đó 2 sản phẩm tiềm năng 5 sao.",
]
PRODUCT = "{i}. {name} - HTX Nông nghiệp {q}, xã Tân Lập, huyện {q}, tỉnh {p} ({s} sao)"


def make_page(rng: random.Random, i: int) -> bytes:
    p, q = rng.choice(PROVINCES), rng.choice(DISTRICTS)
    vals = {
        "p": p, "q": q, "d": rng.randint(1, 28), "m": rng.randint(1, 12), "y": rng.randint(2019, 2025),
        "n": rng.randint(100, 4000), "a": rng.randint(10, 200), "b": rng.randint(5, 90),
        "c": rng.randint(1, 40), "e": rng.randint(1, 150), "t": rng.randint(100, 900),
    }
    paras = [rng.choice(SENTENCES).format(**vals) + " " + rng.choice(SENTENCES).format(**vals)
             for _ in range(rng.randint(4, 12))]
    if rng.random() < 0.3:
        paras += [PRODUCT.format(i=k, name=f"Sản phẩm số {k}", q=q, p=p, s=rng.choice("34")) for k in range(1, 8)]
    menu = "".join(f'<li class="menu-item"><a href="/c/{k}">Chuyên mục {k}</a></li>' for k in range(40))
    side = "".join(
        f'<li><a href="/tin/{k}.html">Tin tức số {k} về nông thôn mới và sản phẩm OCOP của tỉnh {p}</a>'
        f"<span>{vals['d']}/{vals['m']}/{vals['y']}</span></li>"
        for k in range(rng.randint(15, 40))
    )
    body = "".join(f"<p>{x}</p>" for x in paras)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>OCOP {p} {i} - Báo {p}</title>
<meta property="og:title" content="{p} công nhận thêm sản phẩm OCOP ({i})">
<script>window.dataLayer=[];function f(){{return 1}}</script><style>.a{{color:red}}</style></head>
<body><header><nav><ul>{menu}</ul></nav></header><div class="container"><div class="main">
<h1>{p} công nhận thêm sản phẩm OCOP ({i})</h1><div class="date">Thứ Hai, {vals['d']:02d}/{vals['m']:02d}/{vals['y']} 08:15</div>
<div class="detail-content">{body}</div>
<div class="related-news"><h3>Tin liên quan</h3><ul>{side[:3000]}</ul></div>
<div class="comment-box"><h4>Bình luận</h4><div>{{name}} - {{time}}</div><div>{{body}}</div></div></div>
<aside class="sidebar"><h3>Đọc nhiều</h3><ul>{side}</ul></aside></div>
<footer><p>Cơ quan chủ quản: UBND tỉnh {p}. Giấy phép số 01/GP-BTTTT.</p></footer></body></html>""".encode()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", "--pages", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--write", action="store_true", help=f"save the result to {RESULT}")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    pages = [make_page(rng, i) for i in range(args.pages)]
    rates, cpu_rates = [], []
    for _ in range(args.runs):
        t0, c0 = time.perf_counter(), time.process_time()
        for i, page in enumerate(pages):
            extract_article(page, f"https://bao{i % 7}.example.vn/a/{i}.html")
        rates.append(len(pages) / (time.perf_counter() - t0))
        # CPU time of this process: what one core does, whatever else the machine is running.
        cpu_rates.append(len(pages) / (time.process_time() - c0))
    result = {
        "median_pages_per_cpu_s": round(statistics.median(cpu_rates), 1),
        "all_pages_per_cpu_s": [round(r, 1) for r in cpu_rates],
        "median_pages_per_wall_s": round(statistics.median(rates), 1),
        "all_pages_per_wall_s": [round(r, 1) for r in rates],
        "pages": len(pages),
        "runs": args.runs,
        "seed": args.seed,
        "mean_page_kb": round(sum(map(len, pages)) / len(pages) / 1024, 1),
        "parser_version": extractor_version(),
    }
    print(json.dumps(result))
    if args.write:
        RESULT.parent.mkdir(parents=True, exist_ok=True)
        RESULT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

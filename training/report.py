"""The evaluator's HTML report: headline metrics, a confusion heat map, a reliability diagram.

Plain HTML with PNGs beside it: opens offline from a folder or an e-mail attachment.
"""
from __future__ import annotations

import html
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

HEADLINE = (("accuracy", "准确率"), ("macro_f1", "宏平均F1"), ("department_accuracy", "单位正确率"),
            ("misrouting_rate", "错派率"), ("emergency_recall", "紧急召回率"), ("under_triage_rate", "低判率"),
            ("over_triage_rate", "高判率"), ("needs_human_rate", "需人工率"), ("alone_accuracy", "自动建议准确率"),
            ("expected_calibration_error", "校准误差ECE"), ("prefix_top3_accuracy", "前8字Top-3"))


def _confusion_png(metrics: dict, path: Path) -> None:
    labels = metrics["confusion_matrix"]["labels"]
    counts = np.array(metrics["confusion_matrix"]["counts"], dtype=float)
    rows = counts.sum(axis=1, keepdims=True)
    share = np.divide(counts, rows, out=np.zeros_like(counts), where=rows > 0)
    size = max(6, len(labels) * 0.28)
    fig, ax = plt.subplots(figsize=(size, size))
    ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(labels)), labels, rotation=90, fontsize=7)
    ax.set_yticks(range(len(labels)), labels, fontsize=7)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title("confusion matrix (row share)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _reliability_png(metrics: dict, path: Path) -> None:
    bins = metrics["reliability"]
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect")
    ax.plot([b["confidence"] for b in bins], [b["accuracy"] for b in bins], marker="o", label="model")
    for b in bins:
        ax.annotate(str(b["count"]), (b["confidence"], b["accuracy"]), fontsize=6, textcoords="offset points", xytext=(3, -8))
    ax.set_xlabel("confidence")
    ax.set_ylabel("accuracy")
    ax.set_title(f"reliability (ECE {metrics['expected_calibration_error']:.3f})")
    ax.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_report(metrics: dict, folder: Path) -> Path:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    _confusion_png(metrics, folder / "confusion.png")
    _reliability_png(metrics, folder / "reliability.png")
    esc = html.escape
    rows = "".join(f"<tr><td>{esc(zh)} <small>{key}</small></td><td>{metrics.get(key)}</td></tr>" for key, zh in HEADLINE)
    classes = "".join(f"<tr><td>{esc(c)}</td><td>{v['precision']}</td><td>{v['recall']}</td><td>{v['f1']}</td><td>{v['support']}</td></tr>"
                      for c, v in sorted(metrics["per_class"].items(), key=lambda kv: kv[1]["f1"]))
    confusions = "".join(
        f"<tr><td>{esc(c['true'])}</td><td>{esc(c['predicted'])}</td><td>{c['count']}</td>"
        f"<td>{'<br>'.join(esc(e) for e in c['examples'])}</td></tr>" for c in metrics["top_confusions"])
    by_style = "".join(f"<tr><td>{esc(style)}</td><td>{r['calls']}</td><td>{r['accuracy']}</td><td>{r['prefix_top3_accuracy']}</td></tr>"
                       for style, r in (metrics.get("by_style") or {}).items())
    by_profile = "".join(f"<tr><td>{esc(p)}</td><td>{r}</td></tr>" for p, r in (metrics.get("misrouting_by_profile") or {}).items())
    page = f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>fenliu evaluation {esc(str(metrics.get('model_version')))}</title>
<style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#111}}table{{border-collapse:collapse;margin:1em 0}}
td,th{{border:1px solid #ccc;padding:4px 8px;font-size:14px;vertical-align:top}}small{{color:#555}}</style></head><body>
<h1>评估报告 · fenliu evaluation</h1>
<p>model {esc(str(metrics.get('model_version')))} · profile {esc(str(metrics.get('profile')))} · {metrics['scored']} calls scored ({metrics['unusable']} unusable)</p>
<table>{rows}</table>
<h2>按辖区错派率 · misrouting by profile</h2><table>{by_profile}</table>
<h2>按记录类型 · by style</h2><table><tr><th>style</th><th>calls</th><th>accuracy</th><th>prefix top-3</th></tr>{by_style}</table>
<h2>混淆矩阵 · confusion matrix</h2><img src="confusion.png" alt="confusion matrix" style="max-width:100%">
<h2>可靠性图 · reliability diagram</h2><img src="reliability.png" alt="reliability diagram">
<h2>主要混淆 · top confusions</h2><table><tr><th>true</th><th>predicted</th><th>n</th><th>examples</th></tr>{confusions}</table>
<h2>各类别 · per class (worst first)</h2><table><tr><th>class</th><th>P</th><th>R</th><th>F1</th><th>n</th></tr>{classes}</table>
</body></html>"""
    (folder / "index.html").write_text(page, encoding="utf-8")
    return folder / "index.html"

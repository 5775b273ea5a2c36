"""One way to read a number: money units, multipliers and Chinese numerals are known only to budgetqa.core
(units.py, numerals.py, numbers.py); no other module keeps its own unit table, digit table or number scanner."""
from __future__ import annotations

import re
from pathlib import Path

from tests.test_architecture import REPO, package_dirs

OWNERS = {"budgetqa/core/units.py", "budgetqa/core/numerals.py", "budgetqa/core/numbers.py"}
# Being rewritten on another branch; switched to budgetqa.core.units (money_factor, convert_money) at merge.
PENDING: set[str] = set()

_MONEY = r"[\"'](?:千|万|亿|万亿)?元[\"']"
_DIGITS = "〇○零一二两三四五六七八九"
FORBIDDEN = {
    "money factor literal": re.compile(r"Decimal\(\s*[\"']?10{3,}[\"']?\s*\)|[*/]\s*10{4,}\b|\b1e[48]\b"),
    "money unit dict": re.compile(rf"{_MONEY}\s*:"),
    "money unit tuple": re.compile(rf"[(\[{{]\s*{_MONEY}\s*,\s*{_MONEY}"),
    "money unit alternation": re.compile(r"(?:千|万|亿)?元\|(?:千|万|亿)*元(?![计])"),
    "Chinese digit table": re.compile(rf"(?:zip|enumerate|dict|maketrans)\(\s*[\"'][{_DIGITS}十]{{4,}}|"
                                      rf"[\"'][{_DIGITS}][\"']\s*:\s*[\"']?\d"),
    "number scanner": re.compile(r"^def find_numbers\(|^import cn2an|^from cn2an|\\d\{1,3\}\(\?:,", re.M),
}


def offences(root: Path, files: list[Path]) -> list[str]:
    out = []
    for path in files:
        rel = path.relative_to(root).as_posix()
        if rel in OWNERS or rel in PENDING:
            continue
        text = path.read_text(encoding="utf-8")
        for what, pattern in FORBIDDEN.items():
            for m in pattern.finditer(text):
                if "#" in text[text.rfind("\n", 0, m.start()) + 1:m.start()]:
                    continue  # a comment may name units
                line = text.count("\n", 0, m.start()) + 1
                out.append(f"{rel}:{line}: {what}: {m.group(0)!r}")
    return out


def test_no_unit_or_digit_table_outside_core():
    files = sorted({p for folder in package_dirs().values() for p in folder.rglob("*.py")})
    assert files and not offences(REPO, files), "\n".join(offences(REPO, files))


def test_the_check_finds_tables():
    sample = REPO / "tests" / "data" / "_unit_table_sample.py"
    text = ('FACTORS = {"元": Decimal(1), "万元": Decimal(10000)}\nMONEY = ("元", "万元")\n'
            'UNIT = re.compile(r"(亿元|万元|元)")\nDIGITS = dict(zip("零一二三四五六七八九", "0123456789"))\n'
            'wan = yuan / 10000\n')
    sample.write_text(text, encoding="utf-8")
    try:
        found = {line.split(": ")[1] for line in offences(REPO, [sample])}
    finally:
        sample.unlink()
    assert found == {"money factor literal", "money unit dict", "money unit tuple", "money unit alternation",
                     "Chinese digit table"}

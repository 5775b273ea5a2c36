"""Text in a document that speaks to an AI assistant ('忽略之前的所有指令…', 'ignore previous instructions')
is data, never an instruction: it yields no facts, and the document gets a warning naming the page.

(The prompt files quote all document text inside fenced data blocks; this keeps such sentences out of the
fact store as well, so that a planted '…为100万元' cannot become a figure the answers or the audit use.)
"""
from __future__ import annotations

import re

from budgetqa.core.records import Document

_PATTERNS = [
    r"(?:忽略|无视|忘记|忘掉|跳过)(?:掉)?(?:你)?(?:之前|以前|此前|先前|前面|上面|以上|上述|原有|原来|系统)?(?:的)?"
    r"(?:所有|全部|一切|任何)?(?:的)?(?:指令|指示|提示词?|规则|要求|设定|约束)",
    r"你(?:现在|从现在起|从现在开始)?(?:是|扮演|必须|只能|应该)(?:一个|一名)?[^，。,.]{0,8}?(?:AI|人工智能|助手|大模型|语言模型|ChatGPT|机器人)",
    r"(?:从现在(?:起|开始)|接下来)[，,]?\s*你(?:必须|只能|要|应该)",
    r"(?:系统提示词?|system\s+prompt|developer\s+message)",
    r"\b(?:ignore|disregard|forget)\s+(?:all\s+|any\s+)?(?:the\s+)?(?:previous|prior|above|earlier|your)\s+"
    r"(?:instructions?|prompts?|rules)",
    r"\byou\s+are\s+now\s+(?:a|an|the)\b",
]
_INSTRUCTION = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE)
_SAMPLE_CHARS = 40


def looks_like_instruction(text: str | None) -> bool:
    return bool(text) and _INSTRUCTION.search(re.sub(r"\s+", "", text) if not text.isascii() else text) is not None


def instruction_warnings(doc: Document) -> list[str]:
    """One warning per page holding text addressed to an AI assistant."""
    out = []
    for page in doc.pages:
        for line in page.text.splitlines():
            if looks_like_instruction(line):
                where = f"第 {page.number} 页" if doc.paged else "文中"
                out.append(f"{where}有疑似对AI助手的指令文字，仅作普通文本，不作为数据：“{line.strip()[:_SAMPLE_CHARS]}”")
                break
    return out

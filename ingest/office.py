"""Office packages (DOCX/XLSX): say clearly when a file is an old binary, encrypted or damaged one."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from budgetqa.core.errors import IngestError

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old binary Office files and password-protected OOXML


def check_office_package(path: Path, data: bytes, label: str, app: str) -> None:
    """DOCX/XLSX are ZIP packages: say clearly when a file is an old binary, encrypted or damaged one."""
    hint = f"open it in {app}/WPS and save it again as .{label.lower()}"
    if data[:8] == _OLE:
        raise IngestError(str(path), f"{label} is an old binary Office file or password protected (OLE container)",
                          f"remove the password / save it again as .{label.lower()}")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise IngestError(str(path), f"{label} is damaged or not a {app} .{label.lower()} file (not a ZIP package)", hint)

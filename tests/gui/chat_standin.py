"""A stand-in for the agent's chat tool: one focused text box whose text is mirrored to a file."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QLineEdit


def main() -> int:
    out = Path(sys.argv[1])
    app = QApplication(["chat-standin"])
    box = QLineEdit()
    box.setWindowTitle("Chat stand-in")
    x, y, width, height = (int(v) for v in (sys.argv[2] if len(sys.argv) > 2 else "100,100,500,60").split(","))
    box.resize(width, height)
    box.move(x, y)
    box.textChanged.connect(lambda text: out.write_text(text, encoding="utf-8"))
    box.show()
    box.activateWindow()
    box.setFocus()
    out.write_text("", encoding="utf-8")
    return int(app.exec())


if __name__ == "__main__":
    raise SystemExit(main())
